import { PayloadSealer, UnopenablePayloadError } from './payload-sealer';

const OLD = { id: '2026-01', key: Buffer.alloc(32, 7) };
const NEW = { id: '2026-06', key: Buffer.alloc(32, 9) };
const BINDING = { exchangeId: '01930000-0000-7000-8000-000000000001', topic: 'nix.inquiry.identity.v1' };
const BODY = Buffer.from(JSON.stringify({ nationalId: '0067749828' }));

const reasonOf = (open: () => unknown): string | undefined => {
  try {
    open();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UnopenablePayloadError);
    return (error as UnopenablePayloadError).reason;
  }
};

describe('PayloadSealer', () => {
  it('seals with the first key into ciphertext that holds no plaintext, and opens it again', () => {
    const sealer = new PayloadSealer([NEW, OLD]);
    const sealed = sealer.seal(BODY, BINDING);
    expect(sealed.keyId).toBe('2026-06');
    expect(sealed.value.includes('0067749828')).toBe(false);
    expect(sealed.value.length).toBe(12 + BODY.length + 16);
    expect(sealer.open(sealed.value, sealed.keyId, BINDING)).toEqual(BODY);
    // A fresh IV each time: the same body never seals to the same bytes.
    expect(sealer.seal(BODY, BINDING).value.equals(sealed.value)).toBe(false);
  });

  it('never repeats an IV, also past a refill of its pool of random bytes, and each sealed value opens', () => {
    const sealer = new PayloadSealer([NEW]);
    const values = Array.from({ length: 2000 }, () => sealer.seal(BODY, BINDING).value);
    expect(new Set(values.map((v) => v.subarray(0, 12).toString('hex'))).size).toBe(2000);
    for (const value of values) expect(sealer.open(value, NEW.id, BINDING)).toEqual(BODY);
  });

  it('refuses another key under the same ID, an unknown key ID and a missing one', () => {
    const sealed = new PayloadSealer([NEW]).seal(BODY, BINDING);
    expect(reasonOf(() => new PayloadSealer([{ id: NEW.id, key: Buffer.alloc(32, 1) }]).open(sealed.value, NEW.id, BINDING))).toBe('not-authentic');
    expect(reasonOf(() => new PayloadSealer([OLD]).open(sealed.value, NEW.id, BINDING))).toBe('unknown-key');
    expect(reasonOf(() => new PayloadSealer([NEW]).open(sealed.value, undefined, BINDING))).toBe('no-key-id');
  });

  it('opens only for the exchange and the topic it was sealed for (the additional data binds both)', () => {
    const sealer = new PayloadSealer([NEW]);
    const sealed = sealer.seal(BODY, BINDING);
    expect(reasonOf(() => sealer.open(sealed.value, NEW.id, { ...BINDING, exchangeId: '01930000-0000-7000-8000-000000000002' }))).toBe('not-authentic');
    expect(reasonOf(() => sealer.open(sealed.value, NEW.id, { ...BINDING, topic: 'nix.inquiry.vehicle.v1' }))).toBe('not-authentic');
    // Shifting text from one part to the other is no way around it.
    const shifted = sealer.seal(BODY, { exchangeId: 'a', topic: 'bc' });
    expect(reasonOf(() => sealer.open(shifted.value, NEW.id, { exchangeId: 'ab', topic: 'c' }))).toBe('not-authentic');
  });

  it('refuses altered and truncated bytes', () => {
    const sealer = new PayloadSealer([NEW]);
    const sealed = sealer.seal(BODY, BINDING);
    const altered = Buffer.from(sealed.value);
    altered[20] ^= 1;
    expect(reasonOf(() => sealer.open(altered, NEW.id, BINDING))).toBe('not-authentic');
    expect(reasonOf(() => sealer.open(sealed.value.subarray(0, 20), NEW.id, BINDING))).toBe('malformed');
  });

  it('rotates: a message sealed with the old key still opens once the new key seals, and not after the old key is gone', () => {
    const before = new PayloadSealer([OLD]).seal(BODY, BINDING);
    const during = new PayloadSealer([NEW, OLD]);
    expect(during.open(before.value, OLD.id, BINDING)).toEqual(BODY);
    const after = during.seal(BODY, BINDING);
    expect(after.keyId).toBe(NEW.id);
    // An instance not yet given the new key cannot open it: roll the new key out to every opener before it seals.
    expect(reasonOf(() => new PayloadSealer([OLD]).open(after.value, after.keyId, BINDING))).toBe('unknown-key');
    expect(reasonOf(() => new PayloadSealer([NEW]).open(before.value, OLD.id, BINDING))).toBe('unknown-key');
  });

  it('takes only 32-byte keys with distinct IDs, and at least one', () => {
    expect(() => new PayloadSealer([])).toThrow('at least one key');
    expect(() => new PayloadSealer([{ id: 'short', key: Buffer.alloc(16) }])).toThrow('payload key short has 16 bytes');
    expect(() => new PayloadSealer([NEW, { ...NEW, key: Buffer.alloc(32, 3) }])).toThrow('must differ');
  });
});
