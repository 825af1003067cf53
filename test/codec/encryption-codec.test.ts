// The payload codec alone: what it writes hides the value, names its key, opens with any loaded key, and refuses tampering.
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { EncryptionCodec, encryptedEncoding, keyIdMetadata } from '../../src/codec/encryption-codec.js';
import { PayloadDecryptionError, PayloadKeysError } from '../../src/codec/errors.js';

const order = { payment: { token: 'tok_secret_4242' }, shippingAddress: { name: 'Ada Lovelace', line1: 'Damrak 1' } };
const clear = (): Payload => defaultPayloadConverter.toPayload(order);
const key = (id: string) => ({ id, key: randomBytes(32) });
const text = (payload: Payload) => Buffer.from(payload.data ?? []).toString('latin1');
const meta = (payload: Payload, name: string) => Buffer.from(payload.metadata?.[name] ?? []).toString();

describe('EncryptionCodec', () => {
  const old = key('k-2025');
  const fresh = key('k-2026');

  it('encrypts the whole payload under the active key, named in the metadata, and decrypts it back', async () => {
    const codec = new EncryptionCodec({ keys: [old, fresh], activeId: 'k-2026' });
    const [sealed] = await codec.encode([clear()]);
    expect(meta(sealed!, 'encoding')).toBe(encryptedEncoding);
    expect(meta(sealed!, keyIdMetadata)).toBe('k-2026');
    // Neither the value nor its own encoding is left in clear.
    expect(text(sealed!)).not.toMatch(/tok_secret_4242|Ada Lovelace|Damrak|json\/plain/);
    const [opened] = await codec.decode([sealed!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(order);
    // A fresh IV each time: the same value never encrypts to the same bytes.
    const [again] = await codec.encode([clear()]);
    expect(text(again!)).not.toBe(text(sealed!));
  });

  it('rotates: a payload of the old key still opens, new payloads use the new key', async () => {
    const before = new EncryptionCodec({ keys: [old], activeId: 'k-2025' });
    const after = new EncryptionCodec({ keys: [old, fresh], activeId: 'k-2026' });
    const [written] = await before.encode([clear()]);
    const [read] = await after.decode([written!]);
    expect(defaultPayloadConverter.fromPayload(read!)).toEqual(order);
    const [next] = await after.encode([clear()]);
    expect(meta(next!, keyIdMetadata)).toBe('k-2026');
    // The old process cannot read what the new key wrote: the error names the missing key.
    await expect(before.decode([next!])).rejects.toThrow(/no payload key "k-2026"/);
  });

  it('passes payloads without the encrypted encoding through, as the histories recorded in clear have them', async () => {
    const codec = new EncryptionCodec({ keys: [fresh], activeId: 'k-2026' });
    const plain = clear();
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('refuses a payload whose ciphertext or key id was altered', async () => {
    const codec = new EncryptionCodec({ keys: [old, fresh], activeId: 'k-2026' });
    const [sealed] = await codec.encode([clear()]);
    const flipped = Buffer.from(sealed!.data!);
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    await expect(codec.decode([{ ...sealed!, data: flipped }])).rejects.toThrow(PayloadDecryptionError);
    // Relabelled with another id, even one loaded with the very same key bytes: the id is authenticated data.
    const twin = new EncryptionCodec({ keys: [fresh, { id: 'k-2026-copy', key: fresh.key }], activeId: 'k-2026' });
    const [own] = await twin.encode([clear()]);
    const relabelled = { ...own!, metadata: { ...own!.metadata, [keyIdMetadata]: Buffer.from('k-2026-copy') } };
    await expect(twin.decode([relabelled])).rejects.toThrow(/does not authenticate/);
  });

  it('refuses unusable keys when it is built', () => {
    expect(() => new EncryptionCodec({ keys: [{ id: 'short', key: randomBytes(16) }], activeId: 'short' })).toThrow(
      PayloadKeysError,
    );
    expect(() => new EncryptionCodec({ keys: [old], activeId: 'k-2026' })).toThrow(/active payload key k-2026/);
    expect(() => new EncryptionCodec({ keys: [old, old], activeId: 'k-2025' })).toThrow(/twice/);
  });
});
