// `npm run soak -- --rate 10 --duration 600`: starts its own system (servers, and every role in one child process), soaks it, reports memory.
import { FlagError, runCommand } from '../../src/cli/args.js';
import { loadConfig } from '../../src/config/env.js';
import { loadgenCommand, loadgenDefaults, parseLoadgenFlags } from './flags.js';
import { runAndReport } from './load-command.js';
import { startChildProcessSystem } from './system.js';

/** Flags that name a running system; this command starts its own (`npm run loadgen -- --soak` soaks a running one). */
const notHere = ['--api', '--nats', '--temporal', '--pid', '--restock', '--skip-stock-check'];

/** The loadgen's flags, less those naming a running system. */
const soakFlags = Object.fromEntries(
  Object.entries(loadgenCommand.flags).filter(([flag]) => !['--soak', ...notHere].includes(`--${flag}`)),
);

async function main(argv: string[]): Promise<number> {
  const foreign = argv.find((a) => notHere.includes(a.split('=')[0] ?? ''));
  if (foreign) {
    const flag = foreign.split('=')[0] ?? foreign;
    throw new FlagError(
      flag,
      `${flag}: npm run soak starts its own system; to soak a running one use npm run loadgen -- --soak`,
    );
  }
  const options = parseLoadgenFlags(['--soak', ...argv], loadgenDefaults(loadConfig()));
  if (!options.soak) throw new Error('unreachable: --soak was given');
  console.error('soak: starting Temporal, NATS and every role (one child process) on free ports...');
  const system = await startChildProcessSystem({ config: { LOG_LEVEL: 'warn' } });
  const processes = [{ name: 'loadgen', pid: process.pid }, ...system.processes];
  console.error(`soak: ${processes.map((p) => `${p.name} pid ${p.pid}`).join(', ')}; data in ${system.dataDir}`);
  try {
    const report = await runAndReport('soak', options, system, processes);
    return report.soak?.plateau === false || report.outcomes.observed.missing > 0 ? 1 : 0;
  } finally {
    await system.stop();
  }
}

runCommand(
  {
    name: 'soak',
    usage: 'npm run soak -- --rate 3 --duration 600 [flags]',
    summary:
      'Starts its own servers and every role in one child process, soaks them, and reports their resident memory.',
    flags: soakFlags,
  },
  main,
);
