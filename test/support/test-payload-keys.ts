// The suite's fixed payload keys: every history a test records is encrypted with them (never used outside tests).
import { defaultPayloadConverter } from '@temporalio/common';
import type { DataConverter, Payload } from '@temporalio/common';
import { dataConverterFor, payloadKeysEnv } from '../../src/codec/data-converter.js';
import { EncryptionCodec } from '../../src/codec/encryption-codec.js';
import type { PayloadKeyRing } from '../../src/codec/encryption-codec.js';

/**
 * Fixed, so histories recorded with them (test/workflows/histories/0.3.0 on) replay in every later run. Public on
 * purpose: they protect nothing but test data. `test-key-2` encrypts; `test-key-1` is kept to show that a rotated
 * key still decrypts.
 */
export const testPayloadKeys: PayloadKeyRing = {
  activeId: 'test-key-2',
  keys: [
    { id: 'test-key-1', key: Buffer.from('b3JkZXItc2FnYSB0ZXN0IGtleSBvbmUgLS0tLSAzMmI=', 'base64') },
    { id: 'test-key-2', key: Buffer.from('b3JkZXItc2FnYSB0ZXN0IGtleSB0d28gLS0tLSAzMmI=', 'base64') },
  ],
};

/** The same keys as `PAYLOAD_CODEC_KEYS` and `PAYLOAD_CODEC_ACTIVE_KEY`, for processes a test starts. */
export const testPayloadKeysEnv: Readonly<Record<string, string>> = {
  PAYLOAD_CODEC_KEYS: payloadKeysEnv(testPayloadKeys.keys),
  PAYLOAD_CODEC_ACTIVE_KEY: testPayloadKeys.activeId,
};

export const testCodec = new EncryptionCodec(testPayloadKeys);

/** For every client and worker a test creates on the saga, and for the replay of committed histories. */
export const testDataConverter: DataConverter = dataConverterFor(testCodec);

/** A payload read raw from a history, decrypted with the suite's keys and converted to its value. */
export async function decodeTestPayload<T = unknown>(payload: Payload): Promise<T> {
  const [clear] = await testCodec.decode([payload]);
  return defaultPayloadConverter.fromPayload<T>(clear ?? payload);
}
