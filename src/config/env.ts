// The one place that reads the environment: one zod schema, parsed once, failing fast with a message naming each bad variable.
import type { StringValue } from 'ms';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
/** Typed as `ms`'s `StringValue`, what the `ms` library and Temporal's `Duration` take, once the pattern has passed. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 30s, 15m, 24h or 7d') as z.ZodType<StringValue, string>;
const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** Every variable the service understands, with the local defaults that let `npm run dev` need no configuration. */
export const envSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),
  /**
   * Where the services keep their data. Unset: one SQLite file per service under DATA_DIR. A PostgreSQL URL: one
   * schema per service (named after it) in that database; docs/scaling.md says why.
   */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// URL (leave unset for SQLite files under DATA_DIR)')
    .optional(),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'host:port, such as 127.0.0.1:7233')
    .default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_UI_URL: z.url().default('http://localhost:8233'),
  TEMPORAL_UI_PORT: port.default(8233),

  NATS_URL: z.string().regex(/^nats:\/\//, 'a nats:// URL').default('nats://127.0.0.1:4222'),
  NATS_MONITOR_PORT: port.default(8222),

  /** Domain events on JetStream: see docs/events.md for why each default is what it is. */
  EVENTS_MAX_AGE: duration.default('30d'),
  EVENTS_REPLICAS: z.coerce.number().int().min(1).max(5).default(1),
  EVENTS_DUPLICATE_WINDOW: duration.default('1h'),
  EVENTS_PUBLISH_TIMEOUT: duration.default('5s'),
  EVENTS_ACK_WAIT: duration.default('30s'),
  EVENTS_MAX_DELIVER: z.coerce.number().int().min(1).default(5),
  EVENTS_RETRY_BACKOFF: csv.pipe(z.array(duration).min(1)).default(['1s', '10s', '1m', '5m']),
  EVENTS_FETCH_BATCH: z.coerce.number().int().min(1).max(1_000).default(10),

  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** Largest request body the API reads, in bytes; larger ones are refused with 413 before parsing. */
  API_BODY_LIMIT: z.coerce.number().int().min(1_024).default(65_536),
  /** How long the API waits for a workflow update (placement, cancel, approve...) before answering 202. */
  API_UPDATE_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** How long the API waits for a state query before falling back to the read model. */
  API_QUERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),

  /**
   * Worker tuning (docs/scaling.md says what each changes). Unset means the SDK's default. Slots bound the
   * work one process takes on at once; pollers bound how many long-polls it keeps open per task queue.
   */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce.number().int().min(1).optional(),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce.number().int().min(2).optional(),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  WORKER_ACTIVITY_POLLERS: z.coerce.number().int().min(1).optional(),
  WORKER_WORKFLOW_POLLERS: z.coerce.number().int().min(2).optional(),
  /** A prebuilt workflow bundle (`npm run build` writes dist/workflow-bundle.js); unset bundles from source at start. */
  WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /** How long a stopping process lets in-flight activities and event handlers finish before cancelling them. */
  SHUTDOWN_GRACE_PERIOD: duration.default('30s'),

  APPROVAL_THRESHOLD: z.coerce.number().int().min(0).default(100_000),
  APPROVAL_TIMEOUT: duration.default('24h'),
  SHIPPING_COUNTRIES: csv
    .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'two-letter upper-case country codes')).min(1))
    .default(['NL', 'DE', 'BE', 'FR', 'GB', 'US']),
});

export type Config = z.infer<typeof envSchema>;

/** Thrown at start-up when the environment is invalid; the message lists every offending variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default); empty strings count as unset so `FOO=` means "use the default". */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${problems}`);
  }
  return result.data;
}

/** host and port of a `host:port` address such as TEMPORAL_ADDRESS. */
export function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}
