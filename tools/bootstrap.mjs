// Makes a fresh clone runnable: installs npm dependencies when missing or stale, then provisions the servers.
// Both README commands (`npm run dev`, `npm test`) start with it; it is quick when everything is in place.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { provisionPostgres } from './postgres.mjs';
import { ProvisionError, cacheRoot, provisionServers } from './servers.mjs';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string} line */
const log = (line) => console.error(`[bootstrap] ${line}`);

function checkNode() {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    throw new ProvisionError(`Node.js ${process.versions.node} is too old: install Node.js 20.19 or newer`);
  }
}

/** npm ci when node_modules is missing or older than the lock file (npm writes node_modules/.package-lock.json). */
function ensureDependencies() {
  const marker = join(repoRoot, 'node_modules', '.package-lock.json');
  const lock = join(repoRoot, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  log('installing npm dependencies (npm ci)...');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new ProvisionError(`npm ci failed (exit ${result.status}); see its output above`);
}

try {
  checkNode();
  ensureDependencies();
  const servers = provisionServers({ log });
  log(`servers ready (cache: ${cacheRoot()})`);
  log(`  temporal:    ${servers.temporalCli}`);
  log(`  nats-server: ${servers.natsServer}`);
  log(`  test server: ${servers.testServer ?? 'SDK download (Java or Maven missing)'}`);
  const postgres = provisionPostgres({ log });
  log(`  postgresql:  ${postgres ?? 'missing (only the PostgreSQL engine tests need it)'}`);
} catch (error) {
  if (error instanceof ProvisionError) {
    log(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
