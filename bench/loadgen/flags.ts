// Command-line flags of the load generator (and the helpers the benchmark's flags share): parseArgs, then zod, errors naming the flag.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { mixNames, type MixName } from './mix.js';

/** A bad command line; the message starts with the flag it is about, e.g. `--rate: must be a positive number`. */
export class FlagError extends Error {
  readonly code = 'INVALID_FLAG';
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
    this.name = 'FlagError';
  }
}

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;

/**
 * Parses `argv` with node:util's parseArgs (strict: unknown flags and positionals are errors), then validates the
 * values with `schema`, whose keys are the flag names. Every problem becomes a FlagError naming the flag.
 */
export function parseFlags<S extends z.ZodType>(argv: readonly string[], spec: FlagSpec, schema: S): z.output<S> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ args: [...argv], options: spec, strict: true, allowPositionals: false }));
  } catch (error) {
    throw parseArgsError(error, spec);
  }
  const result = schema.safeParse(values);
  if (result.success) return result.data;
  const [first] = result.error.issues;
  const flagOf = (issue: z.core.$ZodIssue) => `--${String(issue.path[0] ?? '?')}`;
  const message = result.error.issues.map((issue) => `${flagOf(issue)}: ${issue.message}`).join('; ');
  throw new FlagError(first ? flagOf(first) : '--?', message);
}

function parseArgsError(error: unknown, spec: FlagSpec): FlagError {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown }).code;
  const named = /'(-{1,2}[^' ]+)/.exec(message)?.[1];
  const known = Object.keys(spec)
    .map((f) => `--${f}`)
    .join(', ');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return new FlagError(named ?? '?', `${named ?? 'flag'}: unknown flag; known flags: ${known}`);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const flag = named ?? '?';
    const takesValue = spec[flag.replace(/^-+/, '')]?.type === 'string';
    return new FlagError(flag, `${flag}: ${takesValue ? 'needs a value' : 'takes no value'}`);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const argument = /'([^']+)'/.exec(message)?.[1] ?? '?';
    return new FlagError(argument, `${argument}: unexpected argument; every option is a --flag`);
  }
  return new FlagError('?', message);
}

/** A number flag within bounds, given as text (`--rate 12.5`). */
export function numberFlag(what: string, check: (n: number) => boolean) {
  return z
    .string()
    .trim()
    .regex(/^[+-]?(\d+\.?\d*|\.\d+)$/, `must be ${what}`)
    .transform(Number)
    .refine(check, `must be ${what}`);
}

export const positiveNumber = (max: number) =>
  numberFlag(`a number above 0 and at most ${max}`, (n) => n > 0 && n <= max);
export const positiveInteger = (max: number) =>
  numberFlag(`a whole number from 1 to ${max}`, (n) => Number.isInteger(n) && n >= 1 && n <= max);

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

export interface LoadgenOptions {
  rate: number;
  durationS: number;
  mix: MixName;
  apiUrl: string;
  natsUrl: string;
  outDir: string;
  drainTimeoutS: number;
  requestTimeoutS: number;
  /** Check the catalogue's availability against what the run reserves before sending anything. */
  stockCheck: boolean;
  /** Top up short SKUs through the inventory store (DATA_DIR or DATABASE_URL) before the run. */
  restock: boolean;
  soak: SoakOptions | undefined;
}

export const loadgenFlagSpec = {
  rate: { type: 'string' },
  duration: { type: 'string' },
  mix: { type: 'string' },
  api: { type: 'string' },
  nats: { type: 'string' },
  out: { type: 'string' },
  'drain-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  restock: { type: 'boolean' },
  'skip-stock-check': { type: 'boolean' },
  soak: { type: 'boolean' },
  'sample-every': { type: 'string' },
  warmup: { type: 'string' },
  'plateau-tolerance': { type: 'string' },
  temporal: { type: 'string' },
  pid: { type: 'string', multiple: true },
} satisfies FlagSpec;

export interface LoadgenDefaults {
  apiUrl: string;
  natsUrl: string;
  temporalAddress: string;
  /** Names the default output folder. */
  now: Date;
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
