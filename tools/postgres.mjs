// Finds PostgreSQL's server binaries (initdb, postgres) for the test suite, and installs Debian's package when missing.
//
// Plain JavaScript on purpose: bootstrap runs it before `npm ci`. The tests start their own throwaway server from
// these binaries (test/support/postgres.ts); nothing here starts or configures a server.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { aptInstall, canAptInstall } from './debian.mjs';

/** @param {string | undefined} dir */
function hasServerBinaries(dir) {
  return dir !== undefined && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
}

/** @param {string} cmd @param {string[]} args */
function output(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The folder holding `initdb` and `postgres`: the one `pg_config --bindir` names, else the newest Debian-style
 * /usr/lib/postgresql/<version>/bin, else the folder of an `initdb` on PATH. Undefined when none has both.
 * @returns {string | undefined}
 */
export function resolvePostgresBinDir() {
  const fromPgConfig = output('pg_config', ['--bindir']);
  if (hasServerBinaries(fromPgConfig)) return fromPgConfig;
  const debianRoot = '/usr/lib/postgresql';
  if (existsSync(debianRoot)) {
    const versions = readdirSync(debianRoot)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const dir = join(debianRoot, version, 'bin');
      if (hasServerBinaries(dir)) return dir;
    }
  }
  const initdb = output('sh', ['-c', 'command -v initdb']);
  const onPath = initdb ? join(initdb, '..') : undefined;
  return hasServerBinaries(onPath) ? onPath : undefined;
}

/**
 * Makes sure the PostgreSQL server binaries are there for the test suite: as root with apt-get available, installs
 * Debian's `postgresql` package when they are missing; otherwise says in one line what to install. Never fails the
 * bootstrap: only the PostgreSQL engine tests need them, and they fail with the same line when they are missing.
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {string | undefined} the folder with initdb and postgres
 */
export function provisionPostgres({ log = () => {} } = {}) {
  const found = resolvePostgresBinDir();
  if (found) return found;
  if (!canAptInstall()) {
    log(`warning: ${missingPostgresMessage}`);
    return undefined;
  }
  log('installing PostgreSQL for the engine tests (apt-get install postgresql)...');
  if (!aptInstall('postgresql')) {
    log(`warning: apt-get install postgresql failed; ${missingPostgresMessage}`);
    return undefined;
  }
  const installed = resolvePostgresBinDir();
  if (!installed) log(`warning: postgresql installed but initdb was not found; ${missingPostgresMessage}`);
  return installed;
}

export const missingPostgresMessage =
  'PostgreSQL server binaries (initdb, postgres) not found: install PostgreSQL 12 or newer ' +
  '(Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql) or put pg_config on PATH';
