// `npm run chaos [-- --long] [--engine sqlite|postgres|both]`: the chaos suite against the real system, a report per engine in reports/.
import { runCommand } from '../../src/cli/args.js';
import { createLogger } from '../../src/logger.js';
import { installTemporalRuntime } from '../../src/workers/temporal-runtime.js';
import { createTestDatabase, startPostgres } from '../../test/support/postgres.js';
import type { PostgresServer } from '../../test/support/postgres.js';
import { chaosCommand, parseChaosFlags } from './flags.js';
import { summaryLines, writeChaosReport } from './report.js';
import { cleanUp, profiles, runChaos } from './run.js';
import { stopLiveSystems } from './system.js';

async function main(argv: string[]): Promise<number> {
  const flags = parseChaosFlags(argv);
  const base = profiles[flags.long ? 'long' : 'short'];
  const profile = {
    ...base,
    ...(flags.rate === undefined ? {} : { rate: flags.rate }),
    ...(flags.natsOutageS === undefined ? {} : { natsOutageS: flags.natsOutageS }),
  };
  // The checker's Temporal client logs through the SDK's runtime: warnings only, to stderr.
  const logger = createLogger('chaos', 'warn', process.stderr);
  installTemporalRuntime(logger);
  let violations = 0;
  let postgres: PostgresServer | undefined;
  // Ctrl-C stops the system under test (every role process, both servers) and the PostgreSQL, then exits 130: an
  // interrupted run has checked nothing.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`chaos: ${signal}: stopping the system`);
      void Promise.allSettled([stopLiveSystems(), postgres?.stop()]).then(() => process.exit(130));
    });
  }
  try {
    for (const engine of flags.engines) {
      const log = (line: string) => console.error(`[chaos ${profile.name} ${engine}] ${line}`);
      let databaseUrl = flags.databaseUrl;
      if (engine === 'postgres' && databaseUrl === undefined) {
        log('starting a throwaway PostgreSQL for the run');
        postgres ??= await startPostgres();
        databaseUrl = await createTestDatabase(postgres.url, 'chaos');
      }
      const report = await runChaos({
        engine,
        profile,
        ...(engine === 'postgres' && databaseUrl ? { databaseUrl } : {}),
        keep: flags.keep,
        log,
      });
      const files = await writeChaosReport(report, flags.outDir);
      console.log(summaryLines(report, files).join('\n'));
      await cleanUp(report);
      violations += report.violations;
    }
  } finally {
    await postgres?.stop();
  }
  return violations === 0 ? 0 : 1;
}

runCommand(chaosCommand, main, { exitWhenDone: true });
