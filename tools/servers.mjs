// Finds or builds the three real servers (Temporal CLI, nats-server, Java time-skipping test server) and caches them outside the clone.
//
// Plain JavaScript on purpose: it runs before `npm ci` has installed anything. Resolution order for each
// server: an explicit environment variable, then the cache (keyed by version), then a build from the
// package registries this project may reach (Go module proxy, Maven Central), then a documented fallback.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const testServerPom = join(repoRoot, 'tools', 'test-server', 'pom.xml');

/** Pinned versions: the cache is keyed by them, so bumping one here rebuilds just that server. */
export const versions = {
  /** 1.5.1 is the newest release whose go.mod has no `replace` directive, so `go install pkg@version` accepts it. */
  temporalCli: '1.5.1',
  /** Newest stable nats-server v2 on the Go module proxy when this was pinned. */
  natsServer: '2.15.3',
  testServer: readTestServerVersion(),
};

/** A setup problem with a one-line cause and what to do about it. */
export class ProvisionError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ProvisionError';
    this.code = 'PROVISION_FAILED';
  }
}

function readTestServerVersion() {
  const pom = readFileSync(testServerPom, 'utf8');
  const match = /<temporal\.test-server\.version>([^<]+)</.exec(pom);
  if (!match?.[1]) throw new ProvisionError(`cannot read temporal.test-server.version from ${testServerPom}`);
  return match[1];
}

/** Where built servers live: $ORDER_SAGA_CACHE_DIR, else $XDG_CACHE_HOME/order-saga, else ~/.cache/order-saga. */
export function cacheRoot() {
  if (process.env.ORDER_SAGA_CACHE_DIR) return resolve(process.env.ORDER_SAGA_CACHE_DIR);
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'order-saga');
}

/** @param {string} cmd @param {string[]} args */
function commandWorks(cmd, args) {
  const result = spawnSync(cmd, args, { stdio: 'ignore' });
  return result.status === 0;
}

/**
 * Builds into a temporary folder and renames it into place, so an interrupted or concurrent build
 * never leaves a half-written cache entry behind.
 * @param {string} finalDir
 * @param {(tmpDir: string) => void} build
 */
function buildInto(finalDir, build) {
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
 * @param {string} envVar
 * @param {string} what
 * @returns {string | undefined}
 */
function fromEnv(envVar, what) {
  const value = process.env[envVar];
  if (!value) return undefined;
  if (!existsSync(value)) throw new ProvisionError(`${envVar}=${value} does not exist; point it at the ${what} executable or unset it`);
  return resolve(value);
}

/**
 * @param {string} modulePath
 * @param {string} version
 * @param {string} binary
 * @param {(line: string) => void} log
 * @param {string} hint
 */
function goInstall(modulePath, version, binary, log, hint) {
  const dir = join(cacheRoot(), `${binary}-${version}`);
  const target = join(dir, binary);
  if (existsSync(target)) return target;
  if (!commandWorks('go', ['version'])) {
    throw new ProvisionError(`${binary} ${version} is not cached and Go is not installed: install Go (https://go.dev/dl), or ${hint}`);
  }
  log(`building ${binary} ${version} with go install (first run only; a few minutes)...`);
  buildInto(dir, (tmp) => {
    const result = spawnSync('go', ['install', `${modulePath}@v${version}`], {
      env: { ...process.env, GOBIN: tmp, GOFLAGS: `${process.env.GOFLAGS ?? ''} -buildvcs=false`.trim() },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (result.status !== 0) {
      throw new ProvisionError(`go install ${modulePath}@v${version} failed (exit ${result.status}); ${hint}`);
    }
  });
  return target;
}

/**
 * The Temporal CLI, which runs the dev server with its embedded Web UI.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function resolveTemporalCli({ log = () => {} } = {}) {
  return (
    fromEnv('TEMPORAL_CLI_PATH', 'temporal') ??
    goInstall('github.com/temporalio/cli/cmd/temporal', versions.temporalCli, 'temporal', log, 'set TEMPORAL_CLI_PATH to a temporal CLI binary')
  );
}

/**
 * nats-server with JetStream. Falls back to a nats-server on PATH (Debian's package is 2.9) when Go cannot build it.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function resolveNatsServer({ log = () => {} } = {}) {
  const explicit = fromEnv('NATS_SERVER_PATH', 'nats-server');
  if (explicit) return explicit;
  const hint = 'set NATS_SERVER_PATH to a nats-server 2.10+ binary';
  try {
    return goInstall('github.com/nats-io/nats-server/v2', versions.natsServer, 'nats-server', log, hint);
  } catch (error) {
    const onPath = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' }).stdout.trim();
    // The subscribers' consumers filter on several subjects, which needs a 2.10 server or newer.
    const version = onPath ? /v?(\d+)\.(\d+)/.exec(versionOf(onPath)) : null;
    if (version && (Number(version[1]) > 2 || (Number(version[1]) === 2 && Number(version[2]) >= 10))) {
      log(`warning: using ${onPath} from PATH (${error instanceof Error ? error.message : String(error)})`);
      return onPath;
    }
    if (onPath) log(`warning: ${onPath} is ${versionOf(onPath)}, older than the 2.10 this project needs`);
    throw error;
  }
}

/**
 * A launcher script for Temporal's Java time-skipping test server, taking `<port> --enable-time-skipping`
 * like the SDK expects of an `existing-path` executable. Returns undefined when Java or Maven is missing,
 * so the caller may fall back to the SDK's own download on a machine with internet access.
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {string | undefined}
 */
export function resolveTestServer({ log = () => {} } = {}) {
  const explicit = fromEnv('TEMPORAL_TEST_SERVER_PATH', 'time-skipping test server');
  if (explicit) return explicit;
  // Keyed by the pom's content too, so a changed dependency list (not only the version) refetches.
  const pomHash = createHash('sha256').update(readFileSync(testServerPom)).digest('hex').slice(0, 8);
  const dir = join(cacheRoot(), `temporal-test-server-${versions.testServer}-${pomHash}`);
  const launcher = join(dir, 'temporal-test-server');
  if (existsSync(launcher) && readdirSync(join(dir, 'lib')).length > 0) return launcher;
  if (!commandWorks('java', ['-version'])) {
    log('warning: Java is not installed; the time-skipping tests will try the SDK download (needs internet). Install a JDK 17+ and Maven to run offline.');
    return undefined;
  }
  if (!commandWorks('mvn', ['-v'])) {
    log('warning: Maven is not installed; the time-skipping tests will try the SDK download (needs internet). Install Maven to run offline.');
    return undefined;
  }
  log(`fetching the Java time-skipping test server ${versions.testServer} with Maven (first run only)...`);
  buildInto(dir, (tmp) => {
    const result = spawnSync(
      'mvn',
      ['-B', '-q', '-Dstyle.color=never', '-f', testServerPom, 'dependency:copy-dependencies', `-DoutputDirectory=${join(tmp, 'lib')}`],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (result.status !== 0) {
      throw new ProvisionError(`mvn could not fetch io.temporal:temporal-test-server:${versions.testServer} (exit ${result.status}); set TEMPORAL_TEST_SERVER_PATH to a launcher`);
    }
    // Fast JVM start matters: the SDK gives the server about 5 seconds to answer.
    const script = [
      '#!/bin/sh',
      '# Launches Temporal\'s Java time-skipping test server: <port> --enable-time-skipping',
      'dir=$(cd "$(dirname "$0")" && pwd)',
      'exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "$dir/lib/*" io.temporal.testserver.TestServer "$@"',
      '',
    ].join('\n');
    writeFileSync(join(tmp, 'temporal-test-server'), script);
    chmodSync(join(tmp, 'temporal-test-server'), 0o755);
  });
  return launcher;
}

/**
 * Resolves all three servers, building what is missing.
 * @param {{ log?: (line: string) => void }} [options]
 */
export function provisionServers(options = {}) {
  return {
    temporalCli: resolveTemporalCli(options),
    natsServer: resolveNatsServer(options),
    testServer: resolveTestServer(options),
  };
}

/** @param {string} binary */
export function versionOf(binary) {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
}
