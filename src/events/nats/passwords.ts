// The NATS users' passwords of a local data folder: generated once by the main command, kept across restarts.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { natsUsers } from './permissions.js';
import type { NatsUser } from './permissions.js';

/** Where a data folder keeps its NATS users' passwords and the server configuration built from them. */
export function natsAuthDir(dataDir: string): string {
  return join(dataDir, 'nats-auth');
}

export function natsPasswordsFile(dataDir: string): string {
  return join(natsAuthDir(dataDir), 'passwords.json');
}

const passwordsSchema = z.record(z.string(), z.string().min(16));
export type NatsPasswords = Partial<Record<NatsUser, string>>;

/** A data folder's passwords, or undefined when it has none (a folder no main command has started on). */
export function readNatsPasswords(dataDir: string): NatsPasswords | undefined {
  const file = natsPasswordsFile(dataDir);
  if (!existsSync(file)) return undefined;
  const parsed = passwordsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(`${file}: expected an object of user names to passwords of 16 characters or more`);
  return parsed.data;
}

/**
 * 192 random bits as letters and digits, starting with a letter: nats-server's configuration reads a variable's value
 * like a literal, so one that begins with a digit is parsed as a number and refused (`$NATS_PASSWORD_<USER>` in
 * deploy/nats/users.conf), and `-` or `_` could be taken for more syntax.
 */
export function newNatsPassword(): string {
  return `p${randomBytes(24).toString('hex')}`;
}

/**
 * The data folder's password of every user, making the ones it lacks: a first start makes them all, a start on a
 * folder from before a user existed (an upgrade, or a folder from before NATS had users) adds that one and keeps the
 * others. Only the folder's owner may read them (folder 0700, file 0600); the file is replaced whole, never half-written.
 */
export function ensureNatsPasswords(dataDir: string): Record<NatsUser, string> {
  const dir = natsAuthDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const existing = readNatsPasswords(dataDir) ?? {};
  const missing = natsUsers.filter((user) => existing[user] === undefined);
  const passwords = Object.fromEntries(
    natsUsers.map((user) => [user, existing[user] ?? newNatsPassword()]),
  ) as Record<NatsUser, string>;
  const file = natsPasswordsFile(dataDir);
  if (missing.length > 0) {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ ...existing, ...passwords }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
  }
  chmodSync(file, 0o600);
  return passwords;
}
