// Command-line flags of `npm run bench`, on the one parser in src/cli/args.ts; a bad one is an error naming it.
import { z } from 'zod';
import { parseFlags, positiveInteger, positiveNumber, type CommandInfo, type FlagSpec } from '../src/cli/args.js';
import { folderTimestamp, hostPort, natsUrl } from './loadgen/flags.js';

export interface BenchOptions {
  /** Reuse these servers instead of starting a Temporal dev server and a nats-server on free ports. */
  temporalAddress: string | undefined;
  natsUrl: string | undefined;
  namespace: string;
  /** Closed-loop concurrency levels the baseline's ramp tries, in order. */
  ramp: number[];
  /** Baseline workflows per ramp level. */
  rampCount: number;
  /** Seconds of each open-loop phase (baseline and saga at the same rate). */
  durationS: number;
  /** The open-loop rate; unset is half the baseline's maximum. */
  rate: number | undefined;
  acceptCount: number;
  acceptConcurrency: number;
  /** How long to wait for the accept phases' workflows to finish before the next phase. */
  drainTimeoutS: number;
  outDir: string;
}

export const benchFlagSpec = {
  temporal: { type: 'string', help: 'reuse this Temporal server (host:port) instead of starting a dev server' },
  nats: { type: 'string', help: 'reuse this nats-server (nats://host:port) instead of starting one' },
  namespace: { type: 'string', help: 'the Temporal namespace, with --temporal (default default)' },
  ramp: { type: 'string', help: 'closed-loop concurrency levels of the baseline ramp (default 8,32,96)' },
  'ramp-count': { type: 'string', help: 'baseline workflows per ramp level (default 200)' },
  duration: { type: 'string', help: 'seconds of each open-loop phase (default 30)' },
  rate: { type: 'string', help: 'the open-loop rate (default half the baseline’s maximum)' },
  'accept-count': { type: 'string', help: 'operations per accept-path phase (default 300)' },
  'accept-concurrency': { type: 'string', help: 'accept-path operations in flight (default 16)' },
  'drain-timeout': { type: 'string', help: 'seconds to wait for a phase’s workflows before the next (default 180)' },
  out: { type: 'string', help: 'the report folder (default reports/bench-<time>)' },
} satisfies FlagSpec;

/** `npm run bench`, for --help and its error lines. */
export const benchCommand: CommandInfo = {
  name: 'bench',
  usage: 'npm run bench [-- --ramp 8,32,96 --duration 30 ...]',
  summary:
    'The no-op baseline against the whole saga, and the API’s accept path against the client, on one Temporal and one NATS.',
  flags: benchFlagSpec,
};

const concurrencyList = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be comma-separated whole numbers, e.g. 8,32,96')
  .transform((s) => s.split(',').map(Number))
  .refine((levels) => levels.every((n) => n >= 1 && n <= 2_000), 'each level must be from 1 to 2000')
  .refine((levels) => levels.every((n, i) => i === 0 || n > (levels[i - 1] ?? 0)), 'levels must increase');

export function parseBenchFlags(argv: readonly string[], now: Date): BenchOptions {
  const schema = z
    .object({
      temporal: hostPort.optional(),
      nats: natsUrl.optional(),
      namespace: z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,255}$/, 'must be a Temporal namespace name')
        .default('default'),
      ramp: concurrencyList.default([8, 32, 96]),
      'ramp-count': positiveInteger(100_000).default(200),
      duration: positiveNumber(3_600).default(30),
      rate: positiveNumber(5_000).optional(),
      'accept-count': positiveInteger(100_000).default(300),
      'accept-concurrency': positiveInteger(2_000).default(16),
      'drain-timeout': positiveNumber(3_600).default(180),
      out: z.string().trim().min(1, 'must name a folder').optional(),
    })
    .superRefine((v, ctx) => {
      if (v.namespace !== 'default' && v.temporal === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['namespace'],
          message: 'needs --temporal (a server bench starts has only default)',
        });
      }
    });
  const v = parseFlags(argv, benchFlagSpec, schema);
  return {
    temporalAddress: v.temporal,
    natsUrl: v.nats,
    namespace: v.namespace,
    ramp: v.ramp,
    rampCount: v['ramp-count'],
    durationS: v.duration,
    rate: v.rate,
    acceptCount: v['accept-count'],
    acceptConcurrency: v['accept-concurrency'],
    drainTimeoutS: v['drain-timeout'],
    outDir: v.out ?? `reports/bench-${folderTimestamp(now)}`,
  };
}
