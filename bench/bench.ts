// `npm run bench`: the no-op baseline against the whole saga, and the API's accept path against the client, on one Temporal and one NATS.
import { Client, Connection } from '@temporalio/client';
import { runCommand } from '../src/cli/args.js';
import { openDataConverter } from '../src/codec/data-converter.js';
import { createLogger } from '../src/logger.js';
import { installTemporalRuntime } from '../src/workers/temporal-runtime.js';
import { benchCommand, parseBenchFlags } from './flags.js';
import { startInProcessSystem } from './loadgen/system.js';
import { benchSummaryLines, writeBenchReport } from './report.js';
import { runBench } from './run-bench.js';

async function main(argv: string[]) {
  const options = parseBenchFlags(argv, new Date());
  // Errors only: the SDK warns about every activity-only worker that it polls no workflow tasks.
  installTemporalRuntime(createLogger('bench', 'error'));
  console.error(
    options.temporalAddress || options.natsUrl
      ? 'bench: starting every role in this process on the given servers...'
      : 'bench: starting a Temporal dev server, a nats-server and every role in this process...',
  );
  const system = await startInProcessSystem({
    ...(options.temporalAddress ? { temporalAddress: options.temporalAddress } : {}),
    ...(options.natsUrl ? { natsUrl: options.natsUrl } : {}),
    namespace: options.namespace,
    // The benchmark measures the system, not the per-customer write limit in front of it.
    config: { API_WRITE_RATE: 1_000_000, API_WRITE_BURST: 1_000_000 },
  });
  const connection = await Connection.connect({ address: system.temporalAddress });
  try {
    // The system's own keys (its data folder's, or PAYLOAD_CODEC_KEYS): the client reads what its workers wrote.
    const dataConverter = await openDataConverter(system.config);
    const client = new Client({ connection, namespace: system.namespace, dataConverter });
    console.error(`bench: ${system.processes.map((p) => `${p.name} pid ${p.pid}`).join(', ')}; API ${system.apiUrl}`);
    const report = await runBench({ system, client, options, log: (line) => console.error(`bench: ${line}`) });
    const files = await writeBenchReport(report, options.outDir);
    console.log(benchSummaryLines(report, files).join('\n'));
  } finally {
    await connection.close();
    await system.stop();
  }
}

// Workers' native threads can keep the event loop alive for a moment after shutdown; nothing is left to do.
runCommand(benchCommand, main, { exitWhenDone: true });
