// The one place that reads the environment: one zod schema, parsed once, failing fast with a message naming each bad variable.
import ms from 'ms';
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

/** A payload key id: it travels in payload metadata and in `PAYLOAD_CODEC_KEYS`. */
const payloadKeyId = /^[A-Za-z0-9._-]{1,64}$/;
/**
 * `<id>:<base64>` pairs. Each problem names the pair by position and id, never its key: the message lands in
 * logs. Parsed to the bytes the codec takes.
 */
const payloadKeys = z.string().transform((value, ctx) => {
  const keys: { id: string; key: Buffer }[] = [];
  value.split(',').forEach((entry, index) => {
    const at = entry.indexOf(':');
    const id = at < 0 ? '' : entry.slice(0, at).trim();
    const encoded = at < 0 ? '' : entry.slice(at + 1).trim();
    const where = `key ${index + 1}${id ? ` (${id})` : ''}`;
    if (at < 0) ctx.addIssue({ code: 'custom', message: `${where} is not <id>:<base64 key>` });
    else if (!payloadKeyId.test(id)) {
      ctx.addIssue({
        code: 'custom',
        message: `${where}: the id must be letters, digits, \`.\`, \`_\` or \`-\`, at most 64`,
      });
    } else if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded) || Buffer.from(encoded, 'base64').length !== 32) {
      ctx.addIssue({
        code: 'custom',
        message: `${where}: the key must be 32 bytes in base64 (openssl rand -base64 32)`,
      });
    } else if (keys.some((k) => k.id === id))
      ctx.addIssue({ code: 'custom', message: `${where}: the id appears twice` });
    else keys.push({ id, key: Buffer.from(encoded, 'base64') });
  });
  return keys;
});

declare module 'zod' {
  interface GlobalMeta {
    /** Who reads the setting: role names (`--role`), `every role`, or `npm run <script>` (docs/configuration.md). */
    roles?: readonly string[];
  }
}

/** Readers of the settings, for the metadata below (test/config checks each name against the roles and scripts). */
const temporalWorkers = ['orders', 'payments', 'inventory', 'shipping'];
/** The roles that own an outbox and run its relay: every Temporal worker role. */
const producers = temporalWorkers;
const subscribers = ['notifications', 'analytics', 'order-read-model'];
const dataReaders = [...producers, ...subscribers, 'api'];
const dataCommands = [
  'npm run payments:unblock-refund',
  'npm run read-model:rebuild',
  'npm run outbox:status',
  'npm run loadgen',
  'npm run codec:rotate-key',
];

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
      roles: [...dataReaders, 'npm run dev', ...dataCommands, 'npm run token'],
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
    .meta({
      description:
        'The Temporal Web UI the API’s order links point at; its origin may call the codec endpoint from a browser ' +
        '(unless `CODEC_CORS_ORIGINS` says otherwise).',
      roles: ['api'],
    }),
  TEMPORAL_UI_PORT: port.default(8233).meta({
    description:
      'The port of the Temporal Web UI `npm run dev` serves (the standalone UI server, on 127.0.0.1, decoding payloads ' +
      'through the API’s codec endpoint with the browser’s credentials).',
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
  JAEGER_OTLP_PORT: port.default(4318).meta({
    description:
      'The OTLP/HTTP port of the Jaeger that `npm run dev` starts (on 127.0.0.1, badger storage under ' +
      '`DATA_DIR/jaeger/`); every role of the main command sends its spans there unless ' +
      '`OTEL_EXPORTER_OTLP_ENDPOINT` names another collector.',
    roles: ['npm run dev'],
  }),
  JAEGER_UI_PORT: port.default(16686).meta({
    description:
      'The port of that Jaeger’s query service (its trace API, `/api/traces/<trace id>`, and the page where its UI ' +
      'would be: docs/observability.md), printed in the banner.',
    roles: ['npm run dev'],
  }),
  NATS_USER: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a NATS user name: letters, digits, `_` and `-`, at most 64')
    .optional()
    .meta({
      description:
        'The NATS user this process connects as (docs/security.md lists each user’s grants: one per role, `operator` ' +
        'for the operator commands, `setup` for `npm run events:setup`). Unset: the user named after the role, with ' +
        'the password the main command keeps under `DATA_DIR/nats-auth/`, or no user when that folder has none.',
      roles: ['every role', 'npm run events:setup', 'npm run events:redrive', 'npm run read-model:rebuild'],
    }),
  NATS_PASSWORD: z
    .string()
    .min(16, 'at least 16 characters')
    .optional()
    .meta({
      description:
        'The password of `NATS_USER` (required with it); from a secret store or an env file, never a committed file.',
      roles: ['every role', 'npm run events:setup', 'npm run events:redrive', 'npm run read-model:rebuild'],
    }),
  NATS_TLS_CA_FILE: z
    .string()
    .min(1)
    .optional()
    .meta({
      description:
        'A PEM file of the certificate authority that signed the NATS servers’ TLS certificates (compose’s ' +
        '`deploy/certs/ca.pem`); unset, the system’s trusted authorities. The connection uses TLS whenever the server requires it.',
      roles: ['every role', 'npm run events:setup', 'npm run events:redrive', 'npm run read-model:rebuild'],
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
      'JetStream’s de-duplication window: how late a relay may publish an event again and still have the copy ' +
      'dropped; the outbox relays prune sent rows once they are older than this (docs/events.md).',
    roles: ['every role'],
  }),
  INBOX_RETENTION: duration.default('31d').meta({
    description:
      'How long a subscriber keeps an event’s inbox row (and a failure-log row no delivery has updated), after ' +
      'which each instance prunes it: a copy of the event arriving later is applied again. At least ' +
      '`EVENTS_DUPLICATE_WINDOW`, the horizon of the copies JetStream itself does not drop; the default outlasts ' +
      '`EVENTS_MAX_AGE` plus that window, after which no copy can arrive.',
    roles: subscribers,
  }),
  EVENTS_PUBLISH_TIMEOUT: duration.default('5s').meta({
    description:
      'How long a publish waits for the stream’s acknowledgement: events from the outbox relays, dead letters ' +
      'from subscribers, and re-driven events.',
    roles: [...producers, ...subscribers, 'npm run events:redrive'],
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

  EVENTS_ORDER_CREATED_VERSION: z.coerce
    .number()
    .int()
    .refine((v) => v === 1 || v === 2, 'expected 1 or 2')
    .default(1)
    .meta({
      description:
        'The version of OrderCreated the orders role publishes (docs/events.md): `1` until every consumer of the ' +
        'contract (docs/asyncapi.yaml) reads v2, then `2`, which adds the approval deadline and makes the lines and ' +
        'the total required. Consumers of this code read both; one still on older code dead-letters a v2.',
      roles: ['orders'],
    }),

  /** The transactional outbox of each producing service and its relay (docs/events.md). */
  OUTBOX_POLL_INTERVAL: duration.default('1s').meta({
    description:
      'How often an idle outbox relay looks for events to publish. A commit in the same process wakes it at once, ' +
      'so this bounds the delay only for rows written by another process on the same database.',
    roles: producers,
  }),
  OUTBOX_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(100).meta({
    description: 'Events an outbox relay claims and publishes per round (in parallel, each awaiting its ack).',
    roles: producers,
  }),
  OUTBOX_RETRY_MAX: duration.default('30s').meta({
    description:
      'The longest pause between an outbox relay’s attempts while NATS does not acknowledge: the pause starts at ' +
      '500ms and doubles per failed round up to this.',
    roles: producers,
  }),
  OUTBOX_BACKLOG_LOG_INTERVAL: duration.default('1m').meta({
    description:
      'How often an outbox relay logs its backlog (events waiting, age of the oldest) while there is one, and ' +
      'prunes sent events older than `EVENTS_DUPLICATE_WINDOW`.',
    roles: producers,
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
  API_EVENT_STREAM_GRACE: duration.default('5s').meta({
    description:
      'How long `GET /orders/{id}/events` stays open after the order’s terminal event for earlier events (by ' +
      'sequence) that another service’s relay has not published yet; it closes at once when none is missing.',
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

  API_WRITE_RATE: z.coerce
    .number()
    .positive()
    .default(2)
    .meta({
      description:
        'Writes (POST requests) per second one principal (a token’s subject) may make on average; above it the API ' +
        'answers 429 with `Retry-After`. Counted in each API process: with several replicas behind a load ' +
        'balancer, a principal may make up to this many per replica (docs/security.md).',
      roles: ['api'],
    }),
  API_WRITE_BURST: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .meta({
      description: 'Writes one principal may make at once before `API_WRITE_RATE` applies (the token bucket’s size).',
      roles: ['api'],
    }),
  API_STREAMS_PER_PRINCIPAL: z.coerce
    .number()
    .int()
    .min(1)
    .default(8)
    .meta({
      description:
        'Event streams (`GET /orders/{id}/events`) one principal may hold open at once in one API process; one more ' +
        'is 429. An operator console keeps a few open, so leave headroom.',
      roles: ['api'],
    }),
  API_STREAMS_TOTAL: z.coerce
    .number()
    .int()
    .min(1)
    .default(500)
    .meta({
      description:
        'Event streams one API process holds open at once, whoever opened them; one more is 503 with `Retry-After`.',
      roles: ['api'],
    }),

  AUTH_JWKS_URL: z
    .url()
    .optional()
    .meta({
      description:
        'The JSON Web Key Set of the identity provider whose tokens the API accepts (any OIDC provider’s ' +
        '`jwks_uri`). Unset: the API keeps its own signing keys under `DATA_DIR/auth/`, serves their public half ' +
        'at `/.well-known/jwks.json` and verifies through that URL; `npm run token` signs with them.',
      roles: ['api', 'npm run token'],
    }),
  AUTH_ISSUER: z
    .string()
    .min(1)
    .default('urn:order-saga:local')
    .meta({
      description: 'The `iss` every token must carry (the provider’s issuer URL); `npm run token` writes it.',
      roles: ['api', 'npm run token'],
    }),
  AUTH_AUDIENCE: z
    .string()
    .min(1)
    .default('order-saga-api')
    .meta({
      description:
        'The `aud` every token must include (the API’s identifier at the provider); `npm run token` writes it.',
      roles: ['api', 'npm run token'],
    }),
  AUTH_ALGORITHMS: csv
    .pipe(
      z
        .array(z.enum(['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']))
        .min(1),
    )
    .default(['ES256'])
    .meta({
      description:
        'Comma-separated JWS algorithms a token may be signed with; any other (`none`, `HS256`...) is refused. ' +
        'Local keys are made for the first.',
      roles: ['api', 'npm run token'],
    }),
  AUTH_CLOCK_TOLERANCE: duration.default('5s').meta({
    description: 'How far apart the clocks of the token’s issuer and the API may be when `exp` and `nbf` are checked.',
    roles: ['api'],
  }),
  AUTH_ROLE_CLAIM: z
    .string()
    .min(1)
    .default('scope')
    .meta({
      description:
        'The claim holding a token’s scopes (a space-separated string or an array): `orders:operate` makes an ' +
        'operator, `orders:place` a customer (docs/security.md).',
      roles: ['api', 'npm run token'],
    }),
  AUTH_JWKS_COOLDOWN: duration.default('30s').meta({
    description:
      'The least time between two fetches of the key set that a token with an unknown key id may cause; a newly ' +
      'rotated key is accepted at the latest this long after its first token.',
    roles: ['api'],
  }),
  AUTH_TOKEN_MAX_TTL: duration.default('24h').meta({
    description:
      'The longest lifetime `npm run token -- --ttl` grants. A rotated-out local key stays in the key set this ' +
      'long (plus `AUTH_CLOCK_TOLERANCE`) after it stopped signing, so every token it signed stays valid until it ' +
      'expires.',
    roles: ['api', 'npm run token'],
  }),

  PAYLOAD_CODEC_KEYS: payloadKeys.optional().meta({
    description:
      'Comma-separated `<id>:<base64 key>` pairs: the AES-256-GCM keys (32 bytes each; `openssl rand -base64 32`) ' +
      'that encrypt every payload Temporal stores (workflow inputs, results, updates, activity arguments). Every ' +
      'key a kept history was written with must stay listed. Unset: the keys in `DATA_DIR/codec/keys.json`, made ' +
      'on first start (docs/security.md).',
    roles: [...temporalWorkers, 'api', 'npm run dev', 'npm run loadgen', 'npm run codec:rotate-key'],
  }),
  PAYLOAD_CODEC_ACTIVE_KEY: z
    .string()
    .regex(payloadKeyId, 'a key id: letters, digits, `.`, `_` and `-`, at most 64')
    .optional()
    .meta({
      description:
        'The id, in `PAYLOAD_CODEC_KEYS`, of the key that encrypts new payloads; the others only decrypt. Needed ' +
        'when there are several keys.',
      roles: [...temporalWorkers, 'api', 'npm run dev', 'npm run loadgen'],
    }),
  CODEC_CORS_ORIGINS: csv
    .pipe(z.array(z.url().transform((u) => new URL(u).origin)).min(1))
    .optional()
    .meta({
      description:
        'Comma-separated origins allowed to call the codec endpoint (`/codec/decode`, `/codec/encode`) from a ' +
        'browser, with credentials. Unset: the origin of `TEMPORAL_UI_URL` (the Web UI).',
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
        'The port of a process’s ops server (`npm start -- --role ...`, and the main command’s one for all roles): ' +
        '`GET /healthz` (the process is up), `GET /readyz` (what its roles depend on answers: Temporal, NATS, its ' +
        'database) and `GET /metrics` (Prometheus: our series and the Temporal SDK’s; docs/observability.md). 0 picks ' +
        'a free port, so copies on one host never collide; the port is logged (`ops server listening`) and written to ' +
        '`DATA_DIR/prometheus/targets/` for Prometheus’s file discovery. Compose fixes it per container.',
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

  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url()
    .transform((u) => u.replace(/\/+$/, ''))
    .optional()
    .meta({
      description:
        'Where every process sends its trace spans, over OTLP/HTTP (`<endpoint>/v1/traces`), e.g. Jaeger’s ' +
        '`http://127.0.0.1:4318`. Unset: no tracing at all (no spans made, no trace context in events); the main ' +
        'command sets it to the Jaeger it starts. docs/observability.md.',
      roles: ['every role'],
    }),
  TRACE_UI_URL: z
    .url()
    .transform((u) => u.replace(/\/+$/, ''))
    .optional()
    .meta({
      description:
        'The trace viewer’s base URL (Jaeger’s query service); an order’s `links` then include `trace`, ' +
        '`<url>/trace/<trace id>`. Unset: no trace link. The main command sets it to the Jaeger it starts.',
      roles: ['api'],
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
  WORKER_VERSIONING: z
    .enum(['off', 'auto-upgrade', 'pinned'], { error: 'must be off, auto-upgrade or pinned' })
    .default('auto-upgrade')
    .meta({
      description:
        'Worker Versioning of the `orders` worker (docs/versioning.md): it registers a deployment version whose ' +
        'build id is the workflow bundle’s hash. `auto-upgrade` (the main command) makes its version current on ' +
        'start and moves running orders onto it, with `patched()` keeping them replayable; `pinned` (compose, the ' +
        'cluster) keeps each order on the version it started on and waits for `npm run workers:promote`; `off` ' +
        'polls unversioned.',
      roles: ['orders', 'npm run workers:promote'],
    }),
  WORKER_DEPLOYMENT_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, - and _ only (a dot separates it from the build id)')
    .default('order-saga')
    .meta({
      description: 'The Worker Deployment the `orders` worker’s versions belong to.',
      roles: ['orders', 'npm run workers:promote'],
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
  COMPENSATION_ESCALATE_AFTER: duration.default('1h').meta({
    description:
      'How long a compensation (refund, release, shipment cancellation) may keep failing with transient errors ' +
      'before the order is parked in `COMPENSATION_FAILED` with a `CompensationFailed` event for an operator, who ' +
      'retries it for another such window; passed to each new order’s workflow by the API.',
    roles: ['api'],
  }),
  COMPENSATION_REMINDER_INTERVAL: duration.default('4h').meta({
    description:
      'How often an order parked in `COMPENSATION_FAILED` sends a `CompensationReminder` event until an operator ' +
      'retries its compensations; passed to each new order’s workflow by the API.',
    roles: ['api'],
  }),
  STEP_DEADLINE: duration.optional().meta({
    description:
      'How long each forward step of a new order (charge, reservation, shipment, pricing) may take, all its ' +
      'attempts together, before the order is compensated. Unset: 2m for pricing and the reservation, 5m for the ' +
      'charge and the shipment. Passed to each new order’s workflow by the API (the chaos suite’s short run sets it).',
    roles: ['api'],
  }),
  STEP_ATTEMPT_TIMEOUT: duration.optional().meta({
    description:
      'How long one attempt of a step or compensation of a new order may run before it is retried. Unset: 10s for ' +
      'pricing and the reservation, 30s for everything else. Passed to each new order’s workflow by the API.',
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
  const problems = crossFieldProblems(result.data);
  if (problems.length > 0) throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  return result.data;
}

/** Settings valid alone but not together; each message names both. */
function crossFieldProblems(config: Config): string[] {
  const problems: string[] = [];
  if ((config.NATS_USER === undefined) !== (config.NATS_PASSWORD === undefined)) {
    problems.push('NATS_USER, NATS_PASSWORD: set both or neither (the password belongs to the user)');
  }
  // A copy published within the duplicate window is dropped by the stream; a later one only by the inbox.
  if (ms(config.INBOX_RETENTION) < ms(config.EVENTS_DUPLICATE_WINDOW)) {
    problems.push(
      `INBOX_RETENTION: ${config.INBOX_RETENTION} is shorter than EVENTS_DUPLICATE_WINDOW ` +
        `(${config.EVENTS_DUPLICATE_WINDOW}); the inbox must remember an event at least as long as the stream drops its copies`,
    );
  }
  const keys = config.PAYLOAD_CODEC_KEYS;
  const active = config.PAYLOAD_CODEC_ACTIVE_KEY;
  if (keys === undefined && active !== undefined) {
    problems.push(
      'PAYLOAD_CODEC_ACTIVE_KEY: set without PAYLOAD_CODEC_KEYS; the local key file names its own active key',
    );
  }
  if (keys !== undefined && active !== undefined && !keys.some((k) => k.id === active)) {
    problems.push(
      `PAYLOAD_CODEC_ACTIVE_KEY: ${active} is not one of the ids in PAYLOAD_CODEC_KEYS (${keys.map((k) => k.id).join(', ')})`,
    );
  }
  if (keys !== undefined && keys.length > 1 && active === undefined) {
    problems.push(
      'PAYLOAD_CODEC_ACTIVE_KEY: required when PAYLOAD_CODEC_KEYS holds several keys (the one that encrypts)',
    );
  }
  return problems;
}

/** host and port of a `host:port` address such as TEMPORAL_ADDRESS. */
export function splitHostPort(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}
