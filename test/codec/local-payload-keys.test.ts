// The main command's key file: made once with owner-only permissions, the same keys on every later start, rotation keeps the old.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPayloadConverter } from '@temporalio/common';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { openPayloadCodec, payloadKeyRing } from '../../src/codec/data-converter.js';
import { LocalPayloadKeys } from '../../src/codec/local-payload-keys.js';
import { loadConfig } from '../../src/config/env.js';
import { testPayloadKeysEnv } from '../support/test-payload-keys.js';

const dirs: string[] = [];
const dataDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'payload-keys-'));
  dirs.push(dir);
  return dir;
};
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('the local payload keys', () => {
  it('are made on first start, readable by the owner only, and the same on the next start', async () => {
    const dir = await dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    const [first, racing] = await Promise.all([payloadKeyRing(config), payloadKeyRing(config)]);
    expect(racing).toEqual(first);
    expect(first.keys).toHaveLength(1);
    expect(first.keys[0]?.key).toHaveLength(32);
    const file = join(dir, 'codec', 'keys.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'codec'))).mode & 0o777).toBe(0o700);
    // A restart encrypts with the same key and reads what the first start wrote.
    const before = await openPayloadCodec(config);
    const [sealed] = await before.encode([defaultPayloadConverter.toPayload({ a: 1 })]);
    const after = await openPayloadCodec(config);
    expect(after.activeKeyId).toBe(first.activeId);
    expect(defaultPayloadConverter.fromPayload((await after.decode([sealed!]))[0]!)).toEqual({ a: 1 });
  });

  it('rotate: a new active key, the old one kept to decrypt', async () => {
    const dir = await dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    const before = await openPayloadCodec(config);
    const [sealed] = await before.encode([defaultPayloadConverter.toPayload('kept')]);
    const rotation = await (await LocalPayloadKeys.open(join(dir, 'codec'))).rotate();
    expect(rotation.kept).toEqual([before.activeKeyId]);
    const after = await openPayloadCodec(config);
    expect(after.activeKeyId).toBe(rotation.active);
    expect(defaultPayloadConverter.fromPayload((await after.decode([sealed!]))[0]!)).toBe('kept');
  });

  it('rotate with npm run codec:rotate-key: the next start encrypts with the new key', async () => {
    const dir = await dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    const before = await openPayloadCodec(config);
    const result = await execa('node', ['--import', 'tsx', 'src/cli/codec-rotate-key.ts'], {
      cwd: fileURLToPath(new URL('../../', import.meta.url)),
      env: { DATA_DIR: dir, PAYLOAD_CODEC_KEYS: '' },
    });
    const after = await openPayloadCodec(config);
    expect(after.activeKeyId).not.toBe(before.activeKeyId);
    expect(result.stderr).toContain(`key ${after.activeKeyId} encrypts once the processes restart`);
    expect(result.stderr).toContain(`kept to decrypt: ${before.activeKeyId}`);
  });

  it('are not made when PAYLOAD_CODEC_KEYS gives them', async () => {
    const dir = await dataDir();
    const ring = await payloadKeyRing(loadConfig({ DATA_DIR: dir, ...testPayloadKeysEnv }));
    expect(ring.activeId).toBe('test-key-2');
    await expect(stat(join(dir, 'codec'))).rejects.toThrow(/ENOENT/);
  });
});
