// Command-line flags of the chaos suite, on the one parser in src/cli/args.ts.
import { z } from 'zod';
import { parseFlags, positiveNumber } from '../../src/cli/args.js';
import type { CommandInfo, FlagSpec } from '../../src/cli/args.js';
import type { Engine } from './system.js';

export interface ChaosFlags {
  long: boolean;
  engines: Engine[];
  outDir: string;
  keep: boolean;
  databaseUrl?: string;
  rate?: number;
  /** Seconds NATS stays stopped, instead of the profile's. */
  natsOutageS?: number;
}

export const chaosFlagSpec = {
  long: {
    type: 'boolean',
    help: 'the real step deadlines, a 10-minute NATS outage, every role killed (default: the short run)',
  },
  engine: {
    type: 'string',
    value: 'sqlite, postgres or both',
    help: 'the stores’ engine (default both, one run each)',
  },
  out: { type: 'string', value: 'a folder', help: 'where chaos-<engine>.json and .html go (default reports)' },
  keep: { type: 'boolean', help: 'keep the run’s data and logs even when nothing broke' },
  'database-url': {
    type: 'string',
    value: 'a postgres:// URL',
    help: 'a database of the run’s own for --engine postgres (default: a throwaway PostgreSQL started for the run)',
  },
  rate: { type: 'string', value: 'orders per second', help: 'orders per second (default 1)' },
  'nats-outage': {
    type: 'string',
    value: 'seconds',
    help: 'how long NATS stays stopped (default 30, or 600 with --long), e.g. 600 for a short run with a 10-minute outage',
  },
} satisfies FlagSpec;

export const chaosCommand: CommandInfo = {
  name: 'chaos',
  usage: 'npm run chaos -- [--long] [--engine sqlite|postgres|both] [--nats-outage <seconds>] [--out reports]',
  summary:
    'Runs the whole system, each role in its own process, under faults (kill -9 of roles and of everything, NATS ' +
    'away past every deadline, frozen workers, a Temporal restart) while orders arrive, then checks that nothing ' +
    'was lost or doubled. Exit code 1 when any invariant was violated.',
  flags: chaosFlagSpec,
};

const schema = z.object({
  long: z.boolean().default(false),
  engine: z.enum(['sqlite', 'postgres', 'both']).default('both'),
  out: z.string().min(1).default('reports'),
  keep: z.boolean().default(false),
  'database-url': z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL')
    .optional(),
  rate: positiveNumber(50).optional(),
  'nats-outage': positiveNumber(3_600).optional(),
});

export function parseChaosFlags(argv: readonly string[]): ChaosFlags {
  const v = parseFlags(argv, chaosFlagSpec, schema);
  return {
    long: v.long,
    engines: v.engine === 'both' ? ['sqlite', 'postgres'] : [v.engine],
    outDir: v.out,
    keep: v.keep,
    ...(v['database-url'] ? { databaseUrl: v['database-url'] } : {}),
    ...(v.rate === undefined ? {} : { rate: v.rate }),
    ...(v['nats-outage'] === undefined ? {} : { natsOutageS: v['nats-outage'] }),
  };
}
