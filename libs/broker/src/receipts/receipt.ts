import { createHash, randomBytes, type Hash } from 'node:crypto';

/** The JWS header type of a receipt, so that no other token can pass for one. */
export const RECEIPT_TYPE = 'nix-receipt+jws';
/** The answer header that carries the receipt. */
export const RECEIPT_HEADER = 'nix-receipt';

/**
 * What a receipt attests: who asked what of whom, under which purpose and agreement, how it ended and when, and
 * salted digests of both bodies. The consumer keeps the receipt and the bodies; NIX keeps only receiptDigestOf(jws).
 */
export interface ReceiptClaims {
  /** The broker instance that signed. */
  iss: string;
  exchangeId: string;
  /** The keyed digest of the tracking code, as the ledger holds it. */
  trackingDigest: string | null;
  consumer: string | null;
  custodian: string | null;
  registry: string | null;
  service: string | null;
  serviceVersion: string | null;
  purpose: string | null;
  agreement: string | null;
  outcome: string;
  problemType: string | null;
  httpStatus: number;
  /** ISO 8601 instants. */
  receivedAt: string;
  respondedAt: string;
  /** base64url, random per exchange: without it the digests cannot be tested against guessed bodies. */
  salt: string;
  /** base64url SHA-256 of salt ‖ body bytes, as the bytes went over the wire. */
  requestDigest: string;
  answerDigest: string;
}

/** A new random salt for one exchange. */
export function newSalt(): Buffer {
  return randomBytes(16);
}

/** A running salted SHA-256 of a body, fed as its bytes pass. */
export function saltedHash(salt: Buffer): Hash {
  return createHash('sha256').update(salt);
}

/** The salted digest of a whole body: what a verifier recomputes from the bytes it kept. */
export function saltedDigest(salt: string | Buffer, body: Buffer | string): string {
  return saltedHash(typeof salt === 'string' ? Buffer.from(salt, 'base64url') : salt).update(body).digest('base64url');
}

/** The receipt's own digest, the only thing of it the ledger keeps: base64url SHA-256 of the compact JWS. */
export function receiptDigestOf(jws: string): string {
  return createHash('sha256').update(jws.trim()).digest('base64url');
}
