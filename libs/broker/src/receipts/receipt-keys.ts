import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { compactVerify, createLocalJWKSet, type JSONWebKeySet, type JWK } from 'jose';
import type { ReceiptKey } from '@nix/config';
import { RECEIPT_TYPE, type ReceiptClaims } from './receipt';

/** A receipt key whose public half does not belong to its private half: a configuration error, found at start. */
export class ReceiptKeyError extends Error {}

/**
 * The broker's receipt keys: the first signs every receipt; all of them are published as a JWKS so that receipts
 * signed before a rotation still verify.
 */
export class ReceiptKeys {
  private readonly signingKey: KeyObject;
  /** The encoded protected header, the same for every receipt: `{"alg":"EdDSA","kid":…,"typ":…}`. */
  private readonly encodedHeader: string;
  readonly jwks: JSONWebKeySet;

  constructor(keys: readonly ReceiptKey[]) {
    if (keys.length === 0) throw new ReceiptKeyError('no receipt key is configured');
    const publics: JWK[] = keys.map((key) => {
      const privateKey = createPrivateKey({ key: { kty: key.kty, crv: key.crv, x: key.x, d: key.d }, format: 'jwk' });
      const derived = createPublicKey(privateKey).export({ format: 'jwk' });
      if (derived.x !== key.x) throw new ReceiptKeyError(`receipt key "${key.kid}": its x is not the public key of its d`);
      return { kty: 'OKP', crv: 'Ed25519', x: key.x, kid: key.kid, alg: 'EdDSA', use: 'sig' };
    });
    this.jwks = Object.freeze({ keys: publics });
    this.encodedHeader = Buffer.from(JSON.stringify({ alg: 'EdDSA', kid: keys[0].kid, typ: RECEIPT_TYPE })).toString('base64url');
    const first = keys[0];
    this.signingKey = createPrivateKey({ key: { kty: first.kty, crv: first.crv, x: first.x, d: first.d }, format: 'jwk' });
  }

  /**
   * The compact JWS (EdDSA, RFC 8037) of a receipt's claims, signed synchronously with node:crypto: the same bytes
   * jose's CompactSign gives, without WebCrypto's promise and thread-pool hop per answer (issue 15).
   */
  sign(claims: ReceiptClaims): string {
    const signingInput = `${this.encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${signingInput}.${sign(null, Buffer.from(signingInput), this.signingKey).toString('base64url')}`;
  }
}

/** Why a receipt is not valid under a JWKS, or its claims if it is. */
export async function verifyReceipt(jws: string, jwks: JSONWebKeySet): Promise<ReceiptClaims> {
  const { payload, protectedHeader } = await compactVerify(jws.trim(), createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
  if (protectedHeader.typ !== RECEIPT_TYPE) throw new Error(`the JWS is not a NIX receipt (typ ${String(protectedHeader.typ)})`);
  return JSON.parse(Buffer.from(payload).toString('utf8')) as ReceiptClaims;
}
