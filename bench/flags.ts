// Command-line flags of `npm run bench`, validated with zod; a bad one is an error naming it.
import { z } from 'zod';
import {
  folderTimestamp,
  hostPort,
  natsUrl,
  parseFlags,
  positiveInteger,
  positiveNumber,
  type FlagSpec,
} from './loadgen/flags.js';

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
  temporal: { type: 'string' },
  nats: { type: 'string' },
  namespace: { type: 'string' },
  ramp: { type: 'string' },
  'ramp-count': { type: 'string' },
  duration: { type: 'string' },
  rate: { type: 'string' },
  'accept-count': { type: 'string' },
  'accept-concurrency': { type: 'string' },
  'drain-timeout': { type: 'string' },
  out: { type: 'string' },
} satisfies FlagSpec;

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
