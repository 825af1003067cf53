// AES-256-GCM payload codec: every payload Temporal stores is encrypted with the active key, its key id in the metadata.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { PayloadDecryptionError, PayloadKeysError } from './errors.js';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

/** The `encoding` metadata of an encrypted payload (the value the Temporal samples use, so tools recognise it). */
export const encryptedEncoding = 'binary/encrypted';
/** The metadata entry naming the key that encrypted the payload. */
export const keyIdMetadata = 'encryption-key-id';

const ivBytes = 12;
const tagBytes = 16;
/** AES-256 takes a 32-byte key. */
export const keyBytes = 32;
/** Letters, digits, `.`, `_` and `-`: it travels in payload metadata and in an environment variable. */
export const keyIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** One key: its id (written into each payload it encrypts) and its 32 secret bytes. */
export interface PayloadKey {
  id: string;
  key: Buffer;
}

/** The keys a process holds: every key it may meet in a history, and the id of the one that encrypts. */
export interface PayloadKeyRing {
  keys: readonly PayloadKey[];
  activeId: string;
}

const utf8 = new TextEncoder();
const text = new TextDecoder();

/**
 * Wraps the whole serialised payload (its metadata, such as `json/plain`, and its data) so nothing of the value is
 * left in clear. The key id is the cipher's additional authenticated data, so a payload relabelled with another
 * key's id fails to open instead of being read with the wrong key. Payloads without the encrypted encoding pass
 * through `decode` untouched: histories recorded before encryption (0.1.0, 0.2.0) still replay.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly active: PayloadKey;

  constructor(ring: PayloadKeyRing) {
    const keys = new Map<string, Buffer>();
    for (const { id, key } of ring.keys) {
      if (!keyIdPattern.test(id)) throw new PayloadKeysError(`payload key id ${JSON.stringify(id)} is not valid`);
      if (key.length !== keyBytes) throw new PayloadKeysError(`payload key ${id} is ${key.length} bytes, not 32`);
      if (keys.has(id)) throw new PayloadKeysError(`payload key id ${id} appears twice`);
      keys.set(id, key);
    }
    const active = keys.get(ring.activeId);
    if (active === undefined) throw new PayloadKeysError(`the active payload key ${ring.activeId} is not loaded`);
    this.keys = keys;
    this.active = { id: ring.activeId, key: active };
  }

  /** The id new payloads are encrypted with. */
  get activeKeyId(): string {
    return this.active.id;
  }

  // Async so that a payload that cannot be opened rejects the promise rather than throwing at the caller.
  // eslint-disable-next-line @typescript-eslint/require-await
  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  // eslint-disable-next-line @typescript-eslint/require-await
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.active;
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(utf8.encode(id));
    const clear = PayloadMessage.encode(payload).finish();
    const sealed = Buffer.concat([iv, cipher.update(clear), cipher.final(), cipher.getAuthTag()]);
    return { metadata: { encoding: utf8.encode(encryptedEncoding), [keyIdMetadata]: utf8.encode(id) }, data: sealed };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    if (encoding === undefined || encoding === null || text.decode(encoding) !== encryptedEncoding) return payload;
    const rawId = payload.metadata?.[keyIdMetadata];
    if (rawId === undefined || rawId === null) throw new PayloadDecryptionError('an encrypted payload has no key id');
    const id = text.decode(rawId);
    const key = this.keys.get(id);
    if (key === undefined) {
      throw new PayloadDecryptionError(`no payload key ${JSON.stringify(id)} is loaded; add it to the keys`);
    }
    const data = payload.data ?? new Uint8Array();
    if (data.length < ivBytes + tagBytes)
      throw new PayloadDecryptionError(`an encrypted payload (key ${id}) is truncated`);
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, ivBytes));
    decipher.setAAD(utf8.encode(id));
    decipher.setAuthTag(data.subarray(data.length - tagBytes));
    let clear: Buffer;
    try {
      clear = Buffer.concat([decipher.update(data.subarray(ivBytes, data.length - tagBytes)), decipher.final()]);
    } catch (error) {
      throw new PayloadDecryptionError(
        `an encrypted payload (key ${id}) does not authenticate: altered, or another key`,
        {
          cause: error,
        },
      );
    }
    return PayloadMessage.decode(clear);
  }
}
