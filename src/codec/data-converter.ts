// The data converter every Temporal client and worker of this service uses: the default converter, then encryption.
import { join, resolve } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config/env.js';
import { EncryptionCodec } from './encryption-codec.js';
import type { PayloadKeyRing } from './encryption-codec.js';
import { LocalPayloadKeys } from './local-payload-keys.js';

export type PayloadKeyConfig = Pick<Config, 'DATA_DIR' | 'PAYLOAD_CODEC_KEYS' | 'PAYLOAD_CODEC_ACTIVE_KEY'>;

/** The local key folder: `<DATA_DIR>/codec`. */
export function localPayloadKeysDir(config: Pick<Config, 'DATA_DIR'>): string {
  return join(resolve(config.DATA_DIR), 'codec');
}

/**
 * The keys from `PAYLOAD_CODEC_KEYS` (validated with the rest of the configuration), else those in the data folder,
 * created there on first use, as the local token keys are: every process on one data folder (the main command, the
 * local cluster, the tools reading their results) shares them.
 */
export async function payloadKeyRing(config: PayloadKeyConfig): Promise<PayloadKeyRing> {
  if (config.PAYLOAD_CODEC_KEYS !== undefined) {
    const keys = config.PAYLOAD_CODEC_KEYS;
    // loadConfig has checked that the active id is one of the keys, or that there is only one.
    const activeId = config.PAYLOAD_CODEC_ACTIVE_KEY ?? keys[0]?.id ?? '';
    return { keys, activeId };
  }
  return (await LocalPayloadKeys.open(localPayloadKeysDir(config))).ring();
}

/** The codec from the configured keys (the codec endpoint uses it directly). */
export async function openPayloadCodec(config: PayloadKeyConfig): Promise<EncryptionCodec> {
  return new EncryptionCodec(await payloadKeyRing(config));
}

/** A data converter that encrypts every payload; workflow code never sees it (the worker applies it outside). */
export function dataConverterFor(codec: EncryptionCodec): DataConverter {
  return { payloadCodecs: [codec] };
}

/** The data converter for a client or worker of this service, from its configuration. */
export async function openDataConverter(config: PayloadKeyConfig): Promise<DataConverter> {
  return dataConverterFor(await openPayloadCodec(config));
}

/** `PAYLOAD_CODEC_KEYS` as a process's environment carries it, for a tool that starts role processes from a Config. */
export function payloadKeysEnv(keys: readonly { id: string; key: Buffer }[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}
