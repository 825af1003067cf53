// The one place that reads the environment: one zod schema, parsed once, failing fast with a message naming each bad variable.
import type { StringValue } from 'ms';
import { z } from 'zod';

const port = z.coerce.number().int().min(1).max(65535);
/** Typed as `ms`'s `StringValue`, what the `ms` library and Temporal's `Duration` take, once the pattern has passed. */
const duration = z.string().regex(/^\d+(ms|s|m|h|d)$/, 'a duration such as 500ms, 30s, 15m, 24h or 7d') as z.ZodType<
  StringValue,
  string
>;
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

declare module 'zod' {
  interface GlobalMeta {
    /** Who reads the setting: role names (`--role`), `every role`, or `npm run <script>` (docs/configuration.md). */
    roles?: readonly string[];
  }
}

/** Readers of the settings, for the metadata below (test/config checks each name against the roles and scripts). */
const temporalWorkers = ['orders', 'payments', 'inventory', 'shipping'];
const subscribers = ['notifications', 'analytics', 'order-read-model'];
const dataReaders = ['payments', 'inventory', 'shipping', ...subscribers, 'api'];
const dataCommands = ['npm run payments:unblock-refund', 'npm run read-model:rebuild', 'npm run loadgen'];

/**
 * Every variable the service understands, with the local defaults that let `npm run dev` need no configuration.
 * Each field's `.meta()` says what it changes and who reads it; `npm run docs:config` writes docs/configuration.md
 * from them, and a test fails when that document is out of date.
 */
export const envSchema = z.object({
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .meta({
      description:
        'The lowest level of log line a process writes (JSON, one line each; `silent` writes none). The Temporal ' +
        'SDK’s own lines follow it. The test suite defaults it to `error`.',
      roles: ['every role', 'npm run dev', 'npm run read-model:rebuild'],
    }),
  DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .meta({
      description:
        'The folder of local data: one SQLite file per service and read model (unless `DATABASE_URL` is set) and, ' +
        'for `npm run dev`, the Temporal database, JetStream’s store and the server logs.',
      roles: [...dataReaders, 'npm run dev', ...dataCommands],
    }),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// URL (leave unset for SQLite files under DATA_DIR)')
    .optional()
    .meta({
      description:
        'Where the services and read models keep their data. Unset: one SQLite file each under `DATA_DIR`. A ' +
        'PostgreSQL URL: one schema each (named after it) in that database; docs/scaling.md says why.',
      roles: [...dataReaders, ...dataCommands],
    }),

  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d{1,5}$/, 'host:port, such as 127.0.0.1:7233')
    .default('127.0.0.1:7233')
    .meta({
      description:
        'The Temporal frontend (host:port) the workers poll and the API’s client calls; `npm run dev` starts its ' +
        'dev server on this port.',
      roles: [...temporalWorkers, 'api', 'npm run dev', 'npm run loadgen'],
    }),
  TEMPORAL_NAMESPACE: z
    .string()
    .min(1)
    .default('default')
    .meta({
      description: 'The Temporal namespace the workers poll and the API starts, updates and queries workflows in.',
      roles: [...temporalWorkers, 'api'],
    }),
  TEMPORAL_UI_URL: z
    .url()
    .default('http://localhost:8233')
    .meta({ description: 'The Temporal Web UI the API’s order links point at.', roles: ['api'] }),
  TEMPORAL_UI_PORT: port.default(8233).meta({
    description: 'The port of the Web UI that `npm run dev`’s Temporal dev server serves.',
    roles: ['npm run dev'],
  }),

  NATS_URL: z
    .string()
    .regex(/^nats:\/\/[^,\s]+(,nats:\/\/[^,\s]+)*$/, 'a nats:// URL, or several separated by commas')
    .default('nats://127.0.0.1:4222')
    .meta({
      description:
        'The NATS server every process publishes events to and consumes them from; `npm run dev` starts its ' +
        'nats-server on this port. Several nodes of one cluster, comma-separated, let a process start while one is down.',
      roles: ['every role', 'npm run dev', 'npm run events:redrive', 'npm run read-model:rebuild', 'npm run loadgen'],
    }),
  NATS_MONITOR_PORT: port.default(8222).meta({
    description: 'The port of the HTTP monitoring endpoint of the nats-server that `npm run dev` starts.',
    roles: ['npm run dev'],
  }),

  /** Domain events on JetStream: see docs/events.md for why each default is what it is. */
  EVENTS_MAX_AGE: duration.default('30d').meta({
    description:
      'How long the `ORDERS` stream (and the advisories) keep an event, whoever has read it: the horizon of a ' +
      'read-model rebuild. Applied to the streams by every process that connects to NATS.',
    roles: ['every role'],
  }),
  EVENTS_REPLICAS: z.coerce
    .number()
    .int()
    .min(1)
    .max(5)
    .default(1)
    .meta({ description: 'Replicas of each stream (3 on a three-node NATS cluster).', roles: ['every role'] }),
  EVENTS_DUPLICATE_WINDOW: duration.default('1h').meta({
    description:
      'JetStream’s de-duplication window: how late a retried activity may republish an event and still be dropped ' +
      'as a copy (docs/events.md).',
    roles: ['every role'],
  }),
  EVENTS_PUBLISH_TIMEOUT: duration.default('5s').meta({
    description:
      'How long a publish waits for the stream’s acknowledgement: events from activities, dead letters from ' +
      'subscribers, and re-driven events.',
    roles: [...temporalWorkers, ...subscribers, 'npm run events:redrive'],
  }),
  EVENTS_ACK_WAIT: duration.default('30s').meta({
    description:
      'The consumers’ `ack_wait`: how long a crashed or hung subscriber instance holds an event before another ' +
      'instance gets it.',
    roles: subscribers,
  }),
  EVENTS_MAX_DELIVER: z.coerce.number().int().min(1).default(5).meta({
    description: 'The consumers’ `max_deliver`: deliveries of an event before it is dead-lettered.',
    roles: subscribers,
  }),
  EVENTS_RETRY_BACKOFF: csv
    .pipe(z.array(duration).min(1))
    .default(['1s', '10s', '1m', '5m'])
    .meta({
      description:
        'Comma-separated delays after a failed delivery, by delivery count (the last one repeats): the `nak` ' +
        'delay of a handler that failed.',
      roles: subscribers,
    }),
  EVENTS_FETCH_BATCH: z.coerce.number().int().min(1).max(1_000).default(10).meta({
    description: 'Messages a subscriber instance pulls per request; small, so competing instances share the work.',
    roles: subscribers,
  }),

  API_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .meta({
      description: 'The address the API listens on (`0.0.0.0` in a container).',
      roles: ['api', 'npm run dev', 'npm run loadgen'],
    }),
  API_PORT: port
    .default(3000)
    .meta({ description: 'The port the API listens on.', roles: ['api', 'npm run dev', 'npm run loadgen'] }),
  API_BODY_LIMIT: z.coerce
    .number()
    .int()
    .min(1_024)
    .default(65_536)
    .meta({
      description: 'The largest request body the API reads, in bytes; a larger one is refused with 413 before parsing.',
      roles: ['api'],
    }),
  API_UPDATE_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(10_000)
    .meta({
      description:
        'Milliseconds the API waits for a workflow update (placement, cancel, approve...) before answering 202; ' +
        'a stopping API lets such requests finish for about this long.',
      roles: ['api'],
    }),
  API_QUERY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(5_000)
    .meta({
      description: 'Milliseconds the API waits for a state query before it answers from the read model.',
      roles: ['api'],
    }),

  METRICS_PORT: z.coerce
    .number()
    .int()
    .min(0)
    .max(65535)
    .default(0)
    .meta({
      description:
        'The port of a role process’s ops server (`npm start -- --role ...`): `GET /healthz` (the process is up) and ' +
        '`GET /readyz` (what its roles depend on answers: Temporal, NATS, its database). 0 picks a free port, so ' +
        'copies on one host never collide; the port is logged (`ops server listening`). Compose fixes it per container.',
      roles: ['every role'],
    }),
  METRICS_HOST: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .meta({
      description: 'The address the ops server listens on (`0.0.0.0` in a container, for a scraper outside it).',
      roles: ['every role'],
    }),

  /**
   * Worker tuning (docs/scaling.md says what each changes). Unset means the SDK's default. Slots bound the
   * work one process takes on at once; pollers bound how many long-polls it keeps open per task queue.
   */
  WORKER_MAX_CONCURRENT_ACTIVITIES: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'Activity slots of one worker process: activities it runs at once.', roles: temporalWorkers }),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: z.coerce
    .number()
    .int()
    .min(2)
    .optional()
    .meta({ description: 'Workflow task slots of one worker process.', roles: temporalWorkers }),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional().meta({
    description: 'The sticky cache of the `orders` worker: workflows kept in memory between their tasks.',
    roles: temporalWorkers,
  }),
  WORKER_ACTIVITY_POLLERS: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .meta({ description: 'Long-polls for activity tasks one worker process keeps open.', roles: temporalWorkers }),
  WORKER_WORKFLOW_POLLERS: z.coerce
    .number()
    .int()
    .min(2)
    .optional()
    .meta({ description: 'Long-polls for workflow tasks one worker process keeps open.', roles: temporalWorkers }),
  WORKFLOW_BUNDLE: z
    .string()
    .min(1)
    .optional()
    .meta({
      description:
        'A prebuilt workflow bundle (`npm run build` writes `dist/workflow-bundle.js`); unset, the `orders` worker ' +
        'bundles the workflow source at start.',
      roles: ['orders'],
    }),
  SHUTDOWN_GRACE_PERIOD: duration.default('30s').meta({
    description: 'How long a stopping worker lets its in-flight activities finish before cancelling them.',
    roles: temporalWorkers,
  }),

  APPROVAL_THRESHOLD: z.coerce
    .number()
    .int()
    .min(0)
    .default(100_000)
    .meta({
      description:
        'Order total (in cents) above which an order waits for an operator’s approval; the API passes it to each ' +
        'new order’s workflow.',
      roles: ['api'],
    }),
  APPROVAL_TIMEOUT: duration.default('24h').meta({
    description:
      'How long an order above the threshold waits for approval before it is cancelled; passed to each new ' +
      'order’s workflow by the API.',
    roles: ['api'],
  }),
  SHIPPING_COUNTRIES: csv
    .pipe(z.array(z.string().regex(/^[A-Z]{2}$/, 'two-letter upper-case country codes')).min(1))
    .default(['NL', 'DE', 'BE', 'FR', 'GB', 'US'])
    .meta({
      description:
        'Comma-separated two-letter country codes the shipping service delivers to; a shipment elsewhere is ' +
        'refused (`AddressRejected`) and the order compensated.',
      roles: ['shipping'],
    }),

  /**
   * `npm run cluster` (src/cluster/): the compose topology as local processes. Only the addresses a user dials are
   * settings; the ports between the cluster's own processes are picked free at each start.
   */
  CLUSTER_DATA_DIR: z
    .string()
    .min(1)
    .default('./data/cluster')
    .meta({
      description:
        'The folder `npm run cluster` keeps its state in (PostgreSQL, the three JetStream stores, the workflow ' +
        'bundle) and its logs (`logs/`, one file per process); a second start resumes on it.',
      roles: ['npm run cluster'],
    }),
  CLUSTER_API_PORT: port.default(3000).meta({
    description: 'The port of the cluster’s load balancer in front of its API processes: the API’s address.',
    roles: ['npm run cluster'],
  }),
  CLUSTER_TEMPORAL_PORT: port.default(7233).meta({
    description:
      'The port of the cluster’s load balancer in front of its Temporal frontends: the address every worker, the ' +
      'API and the Web UI use.',
    roles: ['npm run cluster'],
  }),
  CLUSTER_UI_PORT: port.default(8080).meta({
    description: 'The port of the cluster’s Temporal Web UI (the UI server, pointed at the load balancer).',
    roles: ['npm run cluster'],
  }),
  CLUSTER_NATS_PORT: port
    .max(65533)
    .default(4222)
    .meta({
      description: 'The client port of the first of the cluster’s three NATS nodes; the others take the next two.',
      roles: ['npm run cluster'],
    }),
  CLUSTER_PROCESSES_PER_ROLE: z.coerce
    .number()
    .int()
    .min(1)
    .max(8)
    .default(2)
    .meta({
      description:
        'Processes of each worker and subscriber role the cluster runs (the API always runs two, behind its load ' +
        'balancer).',
      roles: ['npm run cluster'],
    }),
  CLUSTER_HISTORY_SHARDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(16_384)
    .default(4)
    .meta({
      description:
        'History shards of the cluster’s Temporal. Fixed by the first start on a data folder: the servers refuse a ' +
        'different count later (start from an empty `CLUSTER_DATA_DIR` to change it).',
      roles: ['npm run cluster'],
    }),
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
