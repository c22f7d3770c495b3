import { generateKeyPairSync, createPrivateKey } from 'node:crypto';
import { CompactSign } from 'jose';
import { DEMO_RECEIPT_KEY, type ReceiptKey } from '@nix/config';
import { ReceiptKeyError, ReceiptKeys, verifyReceipt } from './receipt-keys';
import { receiptDigestOf, saltedDigest, type ReceiptClaims } from './receipt';

function newKey(kid: string): ReceiptKey {
  const jwk = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', kid, x: jwk.x!, d: jwk.d! };
}

const claims: ReceiptClaims = {
  iss: 'broker-1', exchangeId: '0b7f5c1e-1d2a-4c3b-9e8f-123456789abc', trackingDigest: 'td', consumer: 'agency-a', custodian: 'civil-registration',
  registry: 'identity', service: 'person', serviceVersion: '1.0.0', purpose: 'demo', agreement: 'agr-1', outcome: 'ok', problemType: null, httpStatus: 200,
  receivedAt: '2026-01-01T00:00:00.000Z', respondedAt: '2026-01-01T00:00:00.010Z', salt: 'c2FsdHNhbHRzYWx0c2FsdA', requestDigest: 'r', answerDigest: 'a',
};

describe('receipt keys', () => {
  it('signs with the first key and verifies against the published JWKS, which holds public halves only', async () => {
    const keys = new ReceiptKeys([newKey('2026-02'), newKey('2026-01')]);
    const jws = keys.sign(claims);
    expect(await verifyReceipt(jws, keys.jwks)).toEqual(claims);
    expect(JSON.parse(Buffer.from(jws.split('.')[0], 'base64url').toString())).toEqual({ alg: 'EdDSA', kid: '2026-02', typ: 'nix-receipt+jws' });
    expect(keys.jwks.keys.map((k) => k.kid)).toEqual(['2026-02', '2026-01']);
    expect(keys.jwks.keys.every((k) => k.d === undefined)).toBe(true);
  });

  it('still verifies a receipt signed before a rotation, while its key stays published', async () => {
    const old = newKey('2026-01');
    const before = new ReceiptKeys([old]).sign(claims);
    const rotated = new ReceiptKeys([newKey('2026-02'), old]);
    expect((await verifyReceipt(before, rotated.jwks)).exchangeId).toBe(claims.exchangeId);
    await expect(verifyReceipt(before, new ReceiptKeys([newKey('2026-02')]).jwks)).rejects.toThrow();
  });

  it('refuses a receipt whose payload was changed after signing', async () => {
    const keys = new ReceiptKeys([DEMO_RECEIPT_KEY]);
    const [head, , signature] = (keys.sign(claims)).split('.');
    const changed = Buffer.from(JSON.stringify({ ...claims, outcome: 'denied' })).toString('base64url');
    await expect(verifyReceipt(`${head}.${changed}.${signature}`, keys.jwks)).rejects.toThrow(/signature/);
  });

  it('gives byte for byte the JWS that jose would give (Ed25519 is deterministic)', async () => {
    const keys = new ReceiptKeys([DEMO_RECEIPT_KEY]);
    const { kty, crv, x, d } = DEMO_RECEIPT_KEY;
    const byJose = await new CompactSign(Buffer.from(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'EdDSA', kid: DEMO_RECEIPT_KEY.kid, typ: 'nix-receipt+jws' })
      .sign(createPrivateKey({ key: { kty, crv, x, d }, format: 'jwk' }));
    expect(keys.sign(claims)).toBe(byJose);
  });

  it('refuses a key whose x is not the public half of its d', () => {
    const a = newKey('a');
    expect(() => new ReceiptKeys([{ ...a, x: newKey('b').x }])).toThrow(ReceiptKeyError);
  });
});

describe('receipt digests', () => {
  it('salts the body digest, so that the same body gives another digest under another salt', () => {
    const body = '{"nationalId":"0067749828"}';
    expect(saltedDigest('AAAAAAAAAAAAAAAAAAAAAA', body)).not.toBe(saltedDigest('AQAAAAAAAAAAAAAAAAAAAA', body));
    expect(saltedDigest('AAAAAAAAAAAAAAAAAAAAAA', body)).toBe(saltedDigest(Buffer.alloc(16), Buffer.from(body)));
  });

  it('digests the receipt itself as base64url SHA-256, ignoring surrounding whitespace', () => {
    expect(receiptDigestOf('a.b.c')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(receiptDigestOf('a.b.c\n')).toBe(receiptDigestOf('a.b.c'));
  });
});
