// Finds or installs Schemathesis, the property-based OpenAPI tester, from PyPI into a virtual environment in the cache.
//
// Plain JavaScript on purpose: bootstrap runs it before `npm ci`. Resolution order: SCHEMATHESIS_PATH, then the
// cache entry, then `python3 -m venv` + `pip install schemathesis==<version>`.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProvisionError, buildInto, cacheEntry, fromEnv } from './provision.mjs';
import { versions } from './servers.mjs';

const schemathesisVersion = versions.schemathesis;

const hint = 'or set SCHEMATHESIS_PATH to an `st` (schemathesis) executable';

/**
 * The `st` launcher of the cached Schemathesis. A virtual environment's console scripts name the folder it was created
 * in, so the environment is built in a temporary folder and run through its python by a launcher
 * that finds the environment beside itself (the environment's own python works wherever the folder is moved).
 * @param {{ log?: (line: string) => void }} [options]
 */
export function resolveSchemathesis({ log = () => {} } = {}) {
  const explicit = fromEnv('SCHEMATHESIS_PATH', 'the st (schemathesis) executable');
  if (explicit) return explicit;
  const dir = cacheEntry('schemathesis', schemathesisVersion);
  const launcher = join(dir, 'st');
  const python = join(dir, 'venv', 'bin', 'python');
  if (existsSync(launcher) && existsSync(python)) return launcher;
  // The environment's python is a link to the interpreter that made it: when that interpreter is gone, so is the entry.
  if (existsSync(launcher)) rmSync(dir, { recursive: true, force: true });
  if (spawnSync('python3', ['-m', 'venv', '--help'], { stdio: 'ignore' }).status !== 0) {
    throw new ProvisionError(
      `schemathesis ${schemathesisVersion} is not cached and python3 with venv is missing: install Python 3.9+ (Debian: apt-get install python3-venv), ${hint}`,
    );
  }
  log(`installing schemathesis ${schemathesisVersion} from PyPI into a virtual environment (first run only)...`);
  buildInto(dir, (tmp) => {
    const venv = join(tmp, 'venv');
    /** @param {string} cmd @param {string[]} args @param {string} what */
    const run = (cmd, args, what) => {
      const result = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], encoding: 'utf8' });
      if (result.status !== 0)
        throw new ProvisionError(`${what} failed (exit ${result.status}); see its output above, ${hint}`);
    };
    run('python3', ['-m', 'venv', venv], 'python3 -m venv');
    const venvPython = join(venv, 'bin', 'python');
    const pip = ['-m', 'pip', '--disable-pip-version-check', '--no-input'];
    const requirement = `schemathesis==${schemathesisVersion}`;
    run(venvPython, [...pip, 'install', '--quiet', requirement], `pip install ${requirement}`);
    // What was installed, for whoever wonders which hypothesis or jsonschema a run used.
    const freeze = spawnSync(venvPython, [...pip, 'freeze'], { encoding: 'utf8' });
    writeFileSync(join(tmp, 'requirements.txt'), freeze.stdout ?? '');
    const script = [
      '#!/bin/sh',
      '# Runs Schemathesis from the virtual environment beside this script.',
      'dir=$(cd "$(dirname "$0")" && pwd)',
      // The console script's own code, named `st` in usage and errors.
      `exec "$dir/venv/bin/python" -c 'import sys; sys.argv[0] = "st"; from schemathesis.cli import schemathesis; sys.exit(schemathesis())' "$@"`,
      '',
    ].join('\n');
    writeFileSync(join(tmp, 'st'), script);
    chmodSync(join(tmp, 'st'), 0o755);
  });
  return launcher;
}
