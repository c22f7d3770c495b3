import { generateKeyPairSync } from 'node:crypto';

/** A fresh Ed25519 receipt key as NIX_RECEIPT_KEYS takes it: a JSON array of private JWKs, newest first. */
export function testReceiptKeys(kid = 'test-receipt-key'): string {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return JSON.stringify([{ kty: 'OKP', crv: 'Ed25519', kid, x: jwk.x, d: jwk.d }]);
}
