// Command-line flags of the load generator and the soak (and the URL flags the benchmark shares), on the one parser in src/cli/args.ts.
import { z } from 'zod';
import type { Config } from '../../src/config/env.js';
import { parseFlags, positiveNumber, type CommandInfo, type FlagSpec } from '../../src/cli/args.js';
import { mixNames } from './mix.js';
import type { LoadSettings } from './run.js';

export const httpUrl = z
  .string()
  .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), 'must be an http:// URL')
  .transform((s) => s.replace(/\/+$/, ''));
export const natsUrl = z.string().regex(/^nats:\/\/[^/\s]+$/, 'must be a nats://host:port URL');
export const hostPort = z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be host:port');

/** `name=pid`, naming a process whose resident memory the soak samples. */
const namedPid = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+=\d+$/, 'must be name=pid, e.g. worker=12345')
  .transform((s) => {
    const [name, pid] = s.split('=') as [string, string];
    return { name, pid: Number(pid) };
  });

export interface SoakOptions {
  /** Seconds between resident-memory samples. */
  sampleEveryS: number;
  /** The early reference sample is taken this many seconds in (minute 2 by default). */
  warmupS: number;
  /** Memory has plateaued when the last sample is within this many percent of the reference sample. */
  tolerancePct: number;
  /** Temporal's gRPC address, to find the server's process by its listening port. */
  temporalAddress: string;
  /** Processes named on the command line, sampled besides those found by port. */
  pids: { name: string; pid: number }[];
}

export interface LoadgenOptions extends LoadSettings {
  outDir: string;
  /** Check the catalogue's availability against what the run reserves before sending anything. */
  stockCheck: boolean;
  /** Top up short SKUs through the inventory store (DATA_DIR or DATABASE_URL) before the run. */
  restock: boolean;
  soak: SoakOptions | undefined;
}

export const loadgenFlagSpec = {
  rate: { type: 'string', help: 'orders per second, open-loop (default 5)' },
  duration: { type: 'string', help: 'seconds of sending (default 30)' },
  mix: { type: 'string', help: `the order mix: ${mixNames.join(' or ')} (default default)` },
  api: { type: 'string', help: 'the API to load (default from API_HOST and API_PORT)' },
  nats: { type: 'string', help: 'where the terminal events are watched (default NATS_URL)' },
  out: { type: 'string', help: 'the report folder (default reports/<loadgen|soak>-<time>)' },
  'drain-timeout': { type: 'string', help: 'seconds to wait for the last terminal events after sending (default 30)' },
  'request-timeout': { type: 'string', help: 'seconds before an HTTP request counts as an error (default 30)' },
  restock: { type: 'boolean', help: 'top up short SKUs through the inventory store under DATA_DIR (or DATABASE_URL)' },
  'skip-stock-check': { type: 'boolean', help: 'run even when the catalogue cannot supply every order' },
  soak: { type: 'boolean', help: 'sample every process’s resident memory and judge the plateau' },
  'sample-every': { type: 'string', help: 'soak: seconds between memory samples' },
  warmup: { type: 'string', help: 'soak: seconds in when the reference sample is taken' },
  'plateau-tolerance': { type: 'string', help: 'soak: percent of growth over the reference that still plateaus (10)' },
  temporal: { type: 'string', help: 'soak: Temporal’s host:port, to find its process (default TEMPORAL_ADDRESS)' },
  pid: { type: 'string', multiple: true, help: 'soak: name=pid of another process to sample' },
} satisfies FlagSpec;

/** `npm run loadgen`, for --help and its error lines. */
export const loadgenCommand: CommandInfo = {
  name: 'loadgen',
  usage: 'npm run loadgen -- --rate 5 --duration 60 --mix default [--soak] [flags]',
  summary: 'Loads (or soaks) a running system through its HTTP API and writes a JSON and HTML report.',
  flags: loadgenFlagSpec,
};

export interface LoadgenDefaults {
  apiUrl: string;
  natsUrl: string;
  temporalAddress: string;
  /** Names the default output folder. */
  now: Date;
}

/** The defaults a run on this machine's configuration gets: the API, NATS and Temporal it points at. */
export function loadgenDefaults(config: Config, now = new Date()): LoadgenDefaults {
  return {
    apiUrl: `http://${config.API_HOST}:${config.API_PORT}`,
    natsUrl: config.NATS_URL,
    temporalAddress: config.TEMPORAL_ADDRESS,
    now,
  };
}

/** A timestamp usable in a folder name: 2024-05-01T12-30-00Z. */
export function folderTimestamp(now: Date): string {
  return now
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
}

/** Parses the load generator's flags; throws FlagError naming the first bad flag. */
export function parseLoadgenFlags(argv: readonly string[], defaults: LoadgenDefaults): LoadgenOptions {
  const schema = z
    .object({
      rate: positiveNumber(5_000).default(5),
      duration: positiveNumber(86_400).default(30),
      mix: z.enum(mixNames, { error: `must be one of ${mixNames.join(', ')}` }).default('default'),
      api: httpUrl.default(defaults.apiUrl),
      nats: natsUrl.default(defaults.natsUrl),
      out: z.string().trim().min(1, 'must name a folder').optional(),
      'drain-timeout': positiveNumber(3_600).default(30),
      'request-timeout': positiveNumber(600).default(30),
      restock: z.boolean().default(false),
      'skip-stock-check': z.boolean().default(false),
      soak: z.boolean().default(false),
      'sample-every': positiveNumber(3_600).optional(),
      warmup: positiveNumber(86_400).optional(),
      'plateau-tolerance': positiveNumber(1_000).default(10),
      temporal: hostPort.default(defaults.temporalAddress),
      pid: z.array(namedPid).default([]),
    })
    .superRefine((v, ctx) => {
      if (!v.soak) {
        for (const flag of ['sample-every', 'warmup', 'pid'] as const) {
          const given = flag === 'pid' ? v.pid.length > 0 : v[flag] !== undefined;
          if (given) ctx.addIssue({ code: 'custom', path: [flag], message: 'only applies with --soak' });
        }
      }
      if (v.warmup !== undefined && v.warmup >= v.duration) {
        ctx.addIssue({ code: 'custom', path: ['warmup'], message: 'must be shorter than --duration' });
      }
      if (Math.round(v.rate * v.duration) < 1) {
        ctx.addIssue({ code: 'custom', path: ['rate'], message: '--rate times --duration must be at least one order' });
      }
    });
  const v = parseFlags(argv, loadgenFlagSpec, schema);
  const durationS = v.duration;
  return {
    rate: v.rate,
    durationS,
    mix: v.mix,
    apiUrl: v.api,
    natsUrl: v.nats,
    outDir: v.out ?? `reports/${v.soak ? 'soak' : 'loadgen'}-${folderTimestamp(defaults.now)}`,
    drainTimeoutS: v['drain-timeout'],
    requestTimeoutS: v['request-timeout'],
    stockCheck: !v['skip-stock-check'],
    restock: v.restock,
    soak: v.soak
      ? {
          sampleEveryS: v['sample-every'] ?? Math.min(10, Math.max(1, durationS / 20)),
          // Minute 2 of a 10-minute run; a fifth of a shorter one.
          warmupS: v.warmup ?? Math.min(120, durationS / 5),
          tolerancePct: v['plateau-tolerance'],
          temporalAddress: v.temporal,
          pids: v.pid,
        }
      : undefined,
  };
}
