// `npm run loadgen -- --rate 20 --duration 60 --mix default [--soak]`: load (or soak) a running system through its HTTP API.
import { runCommand } from '../../src/cli/args.js';
import { loadConfig } from '../../src/config/env.js';
import { loadgenCommand, loadgenDefaults, parseLoadgenFlags, type LoadgenOptions, type SoakOptions } from './flags.js';
import { runAndReport } from './load-command.js';
import { mixEntries, planOrders, stockNeeded } from './mix.js';
import { commandLine, pidListeningOn, type NamedProcess } from './processes.js';
import type { LoadReport } from './run.js';
import { fetchAvailability, restock, shortfalls } from './stock.js';
import { localApiTokens } from './tokens.js';

const portOf = (url: string, fallback: number) => Number(new URL(url).port || fallback);

/**
 * The processes a soak samples: this one, and whatever listens on the API's, NATS's and Temporal's ports (so a soak
 * of `npm run dev` finds the dev process and both servers by itself), plus any named with --pid. One process found
 * on several ports is sampled once, under the joined names.
 */
function discoverProcesses(options: Pick<LoadgenOptions, 'apiUrl' | 'natsUrl'>, soak: SoakOptions): NamedProcess[] {
  const byPid = new Map<number, string[]>();
  const add = (name: string, pid: number | undefined) => {
    if (pid === undefined) {
      console.error(
        `loadgen: no local process listens for ${name}; its memory is not sampled (name it with --pid ${name}=<pid>)`,
      );
      return;
    }
    byPid.set(pid, [...(byPid.get(pid) ?? []), name]);
  };
  add('loadgen', process.pid);
  add('api', pidListeningOn(portOf(options.apiUrl, 80)));
  add('nats', pidListeningOn(portOf(options.natsUrl, 4222)));
  add('temporal', pidListeningOn(Number(soak.temporalAddress.slice(soak.temporalAddress.lastIndexOf(':') + 1))));
  for (const { name, pid } of soak.pids) add(name, pid);
  return [...byPid].map(([pid, names]) => ({ name: [...new Set(names)].join('+'), pid }));
}

/** Fails before sending anything when the catalogue cannot supply the run (or tops it up with --restock). */
async function ensureStock(options: LoadgenOptions): Promise<void> {
  if (!options.stockCheck && !options.restock) return;
  const needed = stockNeeded(planOrders(mixEntries(options.mix), Math.round(options.rate * options.durationS)));
  let short = shortfalls(needed, await fetchAvailability(options.apiUrl));
  if (short.length > 0 && options.restock) {
    await restock(loadConfig(), short);
    short = shortfalls(needed, await fetchAvailability(options.apiUrl));
    if (short.length > 0) {
      throw new Error(
        `--restock: topped up the inventory store under DATA_DIR=${loadConfig().DATA_DIR}, but the API still reports ` +
          `${short.map((s) => `${s.sku} ${s.available}`).join(', ')}; point DATA_DIR (or DATABASE_URL) at the system's data`,
      );
    }
  }
  if (short.length > 0 && options.stockCheck) {
    const list = short.map((s) => `${s.sku} needs up to ${s.needed}, ${s.available} available`).join('; ');
    throw new Error(
      `not enough stock for this run (${list}): successful orders would fail with OutOfStock. Pass --restock to top ` +
        `up through the inventory store under DATA_DIR, lower --rate or --duration, or --skip-stock-check to run anyway`,
    );
  }
}

function exitCode(report: LoadReport): number {
  const o = report.outcomes;
  if (report.requests.errors > 0 || o.observed.missing > 0 || o.mismatched > 0) return 1;
  if (report.soak?.plateau === false) return 1;
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const options = parseLoadgenFlags(argv, loadgenDefaults(loadConfig()));
  await ensureStock(options);
  const soak = options.soak;
  let processes: NamedProcess[] = [];
  if (soak) {
    processes = discoverProcesses(options, soak);
    for (const p of processes)
      console.error(`loadgen: sampling ${p.name} (pid ${p.pid}: ${commandLine(p.pid) ?? '?'})`);
  }
  // Tokens from the running system's local issuer: the keys under DATA_DIR (./data for `npm run dev`).
  const tokens = localApiTokens(loadConfig());
  return exitCode(await runAndReport('loadgen', options, { ...options, tokens }, processes));
}

runCommand(loadgenCommand, main);
