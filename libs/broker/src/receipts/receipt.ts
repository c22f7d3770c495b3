import { hash, randomBytes } from 'node:crypto';

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

const SALT_BYTES = 16;
/** Salts are cut from a pool of random bytes: one call to the CSPRNG per 256 exchanges instead of one each. */
const SALT_POOL_BYTES = 256 * SALT_BYTES;
let saltPool = Buffer.alloc(0);
let saltOffset = 0;

/** A new random salt for one exchange (16 bytes, never handed out twice). */
export function newSalt(): Buffer {
  if (saltOffset + SALT_BYTES > saltPool.length) {
    saltPool = randomBytes(SALT_POOL_BYTES);
    saltOffset = 0;
  }
  const salt = saltPool.subarray(saltOffset, saltOffset + SALT_BYTES);
  saltOffset += SALT_BYTES;
  return salt;
}

/** The salted digest of a whole body: what a verifier recomputes from the bytes it kept. */
export function saltedDigest(salt: string | Buffer, body: Buffer | string): string {
  return saltedDigestOfParts(typeof salt === 'string' ? Buffer.from(salt, 'base64url') : salt, [typeof body === 'string' ? Buffer.from(body) : body]);
}

/** The salted digest of a body read in parts: one SHA-256 of salt ‖ parts, in one call (no Hash object). */
export function saltedDigestOfParts(salt: Buffer, parts: readonly Buffer[]): string {
  return hash('sha256', Buffer.concat([salt, ...parts]), 'base64url');
}

/** The receipt's own digest, the only thing of it the ledger keeps: base64url SHA-256 of the compact JWS. */
export function receiptDigestOf(jws: string): string {
  return hash('sha256', jws.trim(), 'base64url');
}
