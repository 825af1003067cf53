// `npm run soak -- --rate 10 --duration 600`: starts its own system (servers, and every role in one child process), soaks it, reports memory.
import { loadConfig } from '../../src/config/env.js';
import { FlagError, parseLoadgenFlags } from './flags.js';
import { MemorySampler } from './memory.js';
import { summaryLines, writeLoadReport } from './report.js';
import { runLoad } from './run.js';
import { startChildProcessSystem } from './system.js';

/** Flags that name a running system; this command starts its own (`npm run loadgen -- --soak` soaks a running one). */
const notHere = ['--api', '--nats', '--temporal', '--pid', '--restock', '--skip-stock-check'];

async function main() {
  const argv = process.argv.slice(2);
  const foreign = argv.find((a) => notHere.includes(a.split('=')[0] ?? ''));
  if (foreign) {
    const flag = foreign.split('=')[0] ?? foreign;
    throw new FlagError(
      flag,
      `${flag}: npm run soak starts its own system; to soak a running one use npm run loadgen -- --soak`,
    );
  }
  const config = loadConfig();
  const options = parseLoadgenFlags(['--soak', ...argv], {
    apiUrl: `http://${config.API_HOST}:${config.API_PORT}`,
    natsUrl: config.NATS_URL,
    temporalAddress: config.TEMPORAL_ADDRESS,
    now: new Date(),
  });
  const soak = options.soak;
  if (!soak) throw new Error('unreachable: --soak was given');
  console.error('soak: starting Temporal, NATS and every role (one child process) on free ports...');
  const system = await startChildProcessSystem({ config: { LOG_LEVEL: 'warn' } });
  const processes = [{ name: 'loadgen', pid: process.pid }, ...system.processes];
  console.error(`soak: ${processes.map((p) => `${p.name} pid ${p.pid}`).join(', ')}; data in ${system.dataDir}`);
  const stop = new AbortController();
  process.on('SIGINT', () => {
    if (stop.signal.aborted) process.exit(130);
    console.error('\nsoak: stopping; draining what was sent (Ctrl-C again to quit at once)');
    stop.abort();
  });
  try {
    const report = await runLoad({
      apiUrl: system.apiUrl,
      natsUrl: system.natsUrl,
      rate: options.rate,
      durationS: options.durationS,
      mix: options.mix,
      drainTimeoutS: options.drainTimeoutS,
      requestTimeoutS: options.requestTimeoutS,
      signal: stop.signal,
      soak: {
        sampler: (clock) => new MemorySampler(processes, soak.sampleEveryS * 1000, clock),
        warmupS: soak.warmupS,
        tolerancePct: soak.tolerancePct,
      },
    });
    const files = await writeLoadReport(report, options.outDir);
    console.log(summaryLines(report, files).join('\n'));
    process.exitCode = report.soak?.plateau === false || report.outcomes.observed.missing > 0 ? 1 : 0;
  } finally {
    await system.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`soak: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(error instanceof FlagError ? 2 : 1);
});
