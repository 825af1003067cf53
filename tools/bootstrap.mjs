// Makes a fresh clone runnable: installs npm dependencies when missing or stale, then provisions the servers a command
// needs (`--for dev|test|cluster`, `--need <server>,...`; tools/needs.mjs has the table). Both README commands
// (`npm run dev`, `npm test`) start with it; it is quick when everything is in place.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBootstrapArgs, provision } from './needs.mjs';
import { ProvisionError, cacheRoot } from './provision.mjs';

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
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (result.status !== 0) throw new ProvisionError(`npm ci failed (exit ${result.status}); see its output above`);
}

try {
  checkNode();
  const wanted = parseBootstrapArgs(process.argv.slice(2));
  ensureDependencies();
  const servers = provision(wanted, { log });
  log(`servers ready (cache: ${cacheRoot()})`);
  const width = Math.max(...servers.map(({ label }) => label.length)) + 1;
  for (const { label, path } of servers) log(`  ${`${label}:`.padEnd(width)} ${path}`);
} catch (error) {
  if (error instanceof ProvisionError) {
    log(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
