// What `npm run loadgen` and `npm run soak` share once the flags are read: Ctrl-C to stop sending, the run, its report.
import type { LoadgenOptions } from './flags.js';
import { MemorySampler } from './memory.js';
import type { NamedProcess } from './processes.js';
import { summaryLines, writeLoadReport } from './report.js';
import { loadSettings, runLoad, type LoadReport } from './run.js';
import type { ApiTokens } from './tokens.js';

/**
 * Runs the load against `target` (the flags' API and NATS, or a system the command started), sampling `processes`
 * when the flags ask for a soak, then writes the report and prints its summary. The first Ctrl-C stops sending and
 * still reports what was sent; the second quits at once.
 */
export async function runAndReport(
  name: string,
  options: LoadgenOptions,
  target: { apiUrl: string; natsUrl: string; tokens: ApiTokens },
  processes: readonly NamedProcess[],
): Promise<LoadReport> {
  const stop = new AbortController();
  process.on('SIGINT', () => {
    if (stop.signal.aborted) process.exit(130);
    console.error(`\n${name}: stopping; draining what was sent (Ctrl-C again to quit at once)`);
    stop.abort();
  });
  const soak = options.soak;
  const report = await runLoad({
    ...loadSettings({ ...options, ...target }),
    tokens: target.tokens,
    signal: stop.signal,
    ...(soak
      ? {
          soak: {
            sampler: (clock) => new MemorySampler(processes, soak.sampleEveryS * 1000, clock),
            warmupS: soak.warmupS,
            tolerancePct: soak.tolerancePct,
          },
        }
      : {}),
  });
  const files = await writeLoadReport(report, options.outDir);
  console.log(summaryLines(report, files).join('\n'));
  return report;
}
