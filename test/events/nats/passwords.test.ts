// The main command's NATS passwords: made once into the data folder, only its owner may read them, kept across
// restarts, and a folder from before a user existed (or from before NATS had users) gets the missing ones.
import { mkdtemp, rm, stat, writeFile, mkdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/env.js';
import { natsCredentials } from '../../../src/events/nats/credentials.js';
import {
  ensureNatsPasswords,
  natsAuthDir,
  natsPasswordsFile,
  newNatsPassword,
  readNatsPasswords,
} from '../../../src/events/nats/passwords.js';
import { natsUsers } from '../../../src/events/nats/permissions.js';
import { writeLocalNatsConfig } from '../../../src/events/nats/server-config.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'order-saga-nats-passwords-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('the NATS passwords of a data folder', () => {
  it('are made for every user on first start, readable by the owner only, and kept after', async () => {
    expect(readNatsPasswords(dir)).toBeUndefined();
    const first = ensureNatsPasswords(dir);
    expect(Object.keys(first).sort()).toEqual([...natsUsers].sort());
    expect(new Set(Object.values(first)).size).toBe(natsUsers.length);
    expect(await mode(natsAuthDir(dir))).toBe(0o700);
    expect(await mode(natsPasswordsFile(dir))).toBe(0o600);
    expect(ensureNatsPasswords(dir)).toEqual(first);
    const config = writeLocalNatsConfig(dir);
    expect(await mode(config)).toBe(0o600);
    expect(await readFile(config, 'utf8')).toContain(`password: ${JSON.stringify(first.payments)}`);
  });

  it('adds a missing user’s password and keeps the others (an upgrade)', async () => {
    await mkdir(natsAuthDir(dir), { recursive: true });
    await writeFile(natsPasswordsFile(dir), JSON.stringify({ payments: 'an-older-password-of-payments' }), {
      mode: 0o644,
    });
    const passwords = ensureNatsPasswords(dir);
    expect(passwords.payments).toBe('an-older-password-of-payments');
    expect(passwords.operator).toMatch(/^p[0-9a-f]{48}$/);
    expect(await mode(natsPasswordsFile(dir))).toBe(0o600);
  });

  it('give each role its own user, unless the configuration names one', () => {
    const passwords = ensureNatsPasswords(dir);
    const local = loadConfig({ DATA_DIR: dir });
    expect(natsCredentials(local, 'api')).toEqual({ user: 'api', pass: passwords.api });
    expect(natsCredentials(local, 'operator')).toEqual({ user: 'operator', pass: passwords.operator });
    const deployed = loadConfig({
      DATA_DIR: dir,
      NATS_USER: 'api',
      NATS_PASSWORD: 'from-the-secret-store',
      NATS_TLS_CA_FILE: '/ca.pem',
    });
    expect(natsCredentials(deployed, 'payments')).toEqual({
      user: 'api',
      pass: 'from-the-secret-store',
      caFile: '/ca.pem',
    });
    expect(natsCredentials(loadConfig({ DATA_DIR: join(dir, 'elsewhere') }), 'api')).toEqual({});
  });

  it('refuses a user without a password, or a password without a user, naming both', () => {
    expect(() => loadConfig({ NATS_USER: 'api' })).toThrow(/NATS_USER, NATS_PASSWORD: set both or neither/);
    expect(() => loadConfig({ NATS_PASSWORD: 'long-enough-password' })).toThrow(/NATS_USER, NATS_PASSWORD/);
    expect(() => loadConfig({ NATS_USER: 'api', NATS_PASSWORD: 'short' })).toThrow(/NATS_PASSWORD: at least 16/);
    expect(() => loadConfig({ NATS_USER: 'a b', NATS_PASSWORD: 'long-enough-password' })).toThrow(/NATS_USER/);
  });
});

describe('a new NATS password', () => {
  it('is letters and digits starting with a letter, which nats-server reads as a string in a variable', () => {
    for (let i = 0; i < 200; i++) expect(newNatsPassword()).toMatch(/^p[0-9a-f]{48}$/);
  });
});
