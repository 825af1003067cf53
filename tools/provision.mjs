// What every provisioner shares: the one-line setup error, the cache root, env overrides, and atomic cache entries.
//
// Plain JavaScript on purpose: bootstrap runs it before `npm ci` has installed anything.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** A setup problem with a one-line cause and what to do about it. */
export class ProvisionError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ProvisionError';
    this.code = 'PROVISION_FAILED';
  }
}

/** Where built servers live: $ORDER_SAGA_CACHE_DIR, else $XDG_CACHE_HOME/order-saga, else ~/.cache/order-saga. */
export function cacheRoot() {
  if (process.env.ORDER_SAGA_CACHE_DIR) return resolve(process.env.ORDER_SAGA_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'order-saga');
}

/** @param {string} name @param {string} version */
export function cacheEntry(name, version) {
  return join(cacheRoot(), `${name}-${version}`);
}

/** @param {string} cmd @param {string[]} args */
export function commandWorks(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'ignore' });
  return result.status === 0;
}

/**
 * The absolute path of a command on PATH, or undefined.
 * @param {string} name
 * @returns {string | undefined}
 */
export function onPath(name) {
  const found = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { encoding: 'utf8' }).stdout?.trim();
  return found && found.startsWith('/') ? found : undefined;
}

/**
 * Builds into a temporary folder and renames it into place, so an interrupted or concurrent build
 * never leaves a half-written cache entry behind.
 * @param {string} finalDir
 * @param {(tmpDir: string) => void} build
 */
export function buildInto(finalDir, build) {
  const tmpDir = `${finalDir}.tmp-${process.pid}`;
  rmSync(tmpDir, { recursive: true, force: true });
  mkdirSync(tmpDir, { recursive: true });
  try {
    build(tmpDir);
    if (!existsSync(finalDir)) renameSync(tmpDir, finalDir);
  } finally {
    rmSync(tmpDir, { recursive: true, force: true });
  }
}

/**
 * The explicit override for one server: undefined when the variable is unset, an error naming it when it points nowhere.
 * @param {string} envVar
 * @param {string} what
 * @returns {string | undefined}
 */
export function fromEnv(envVar, what) {
  const value = process.env[envVar];
  if (!value) return undefined;
  if (!existsSync(value))
    throw new ProvisionError(`${envVar}=${value} does not exist; point it at ${what} or unset it`);
  return resolve(value);
}

/**
 * The first line a binary prints for its version flag.
 * @param {string} binary
 * @param {string[]} [args]
 */
export function versionOf(binary, args = ['--version']) {
  return (
    execFileSync(binary, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .trim()
      .split('\n')[0] ?? ''
  );
}
