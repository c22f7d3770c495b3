import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

/** An AES-256 key for inquiry and reply bodies on Kafka, with the ID its messages name in the nix-key-id header. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** What a sealed body is bound to: a message replayed into another exchange or topic does not open. */
export interface SealBinding {
  exchangeId: string;
  topic: string;
}

export interface SealedPayload {
  keyId: string;
  /** 12-byte IV ‖ ciphertext ‖ 16-byte GCM tag. */
  value: Buffer;
}

/** A body that does not open: unknown key, another exchange or topic, or altered bytes. Its message is dropped. */
export class UnopenablePayloadError extends Error {
  constructor(readonly reason: 'no-key-id' | 'unknown-key' | 'malformed' | 'not-authentic', readonly keyId?: string) {
    super(`the payload does not open (${reason}${keyId ? `, key ${keyId}` : ''})`);
    this.name = 'UnopenablePayloadError';
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
/** IVs are drawn from this many random bytes at a time: one call into the CSPRNG per 341 seals, not one per seal. */
const IV_POOL_BYTES = IV_BYTES * 341;

/** The additional authenticated data: versioned, and unambiguous because neither part holds a NUL. */
export function sealBindingData({ exchangeId, topic }: SealBinding): Buffer {
  return Buffer.from(`nix-payload-v1\0${exchangeId}\0${topic}`, 'utf8');
}

/**
 * Seals and opens message bodies with AES-256-GCM. The first key seals; every
 * key opens, so keys rotate by adding the new one first, and removing the old
 * one once the topics hold none of its messages (minutes: their retention).
 */
export class PayloadSealer {
  private readonly sealing: PayloadKey;
  private readonly opening: Map<string, Buffer>;
  private readonly ivPool = Buffer.allocUnsafe(IV_POOL_BYTES);
  private ivAt = IV_POOL_BYTES;

  constructor(keys: readonly PayloadKey[]) {
    if (keys.length === 0) throw new Error('a payload sealer needs at least one key');
    for (const { id, key } of keys) {
      if (key.length !== KEY_BYTES) throw new Error(`payload key ${id} has ${key.length} bytes; AES-256 needs ${KEY_BYTES}`);
    }
    this.sealing = keys[0];
    this.opening = new Map(keys.map((k) => [k.id, k.key]));
    if (this.opening.size !== keys.length) throw new Error('payload key IDs must differ');
  }

  get keyId(): string {
    return this.sealing.id;
  }

  seal(plain: Buffer, binding: SealBinding): SealedPayload {
    const iv = this.nextIv();
    const cipher = createCipheriv('aes-256-gcm', this.sealing.key, iv);
    cipher.setAAD(sealBindingData(binding));
    const body = cipher.update(plain);
    const rest = cipher.final();
    return { keyId: this.sealing.id, value: Buffer.concat([iv, body, rest, cipher.getAuthTag()], IV_BYTES + body.length + rest.length + TAG_BYTES) };
  }

  /** A random IV (as random as randomBytes(12)); a view of the pool, copied into the sealed value before the pool refills. */
  private nextIv(): Buffer {
    if (this.ivAt + IV_BYTES > IV_POOL_BYTES) {
      randomFillSync(this.ivPool);
      this.ivAt = 0;
    }
    this.ivAt += IV_BYTES;
    return this.ivPool.subarray(this.ivAt - IV_BYTES, this.ivAt);
  }

  open(value: Buffer, keyId: string | undefined, binding: SealBinding): Buffer {
    if (!keyId) throw new UnopenablePayloadError('no-key-id');
    const key = this.opening.get(keyId);
    if (!key) throw new UnopenablePayloadError('unknown-key', keyId);
    if (value.length < IV_BYTES + TAG_BYTES) throw new UnopenablePayloadError('malformed', keyId);
    const decipher = createDecipheriv('aes-256-gcm', key, value.subarray(0, IV_BYTES));
    decipher.setAAD(sealBindingData(binding));
    decipher.setAuthTag(value.subarray(value.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(value.subarray(IV_BYTES, value.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new UnopenablePayloadError('not-authentic', keyId);
    }
  }
}
