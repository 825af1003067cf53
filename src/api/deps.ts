// Everything createApp needs from outside: configuration, the Temporal client, and the read ports.
import type { Client } from '@temporalio/client';
import type { EncryptionCodec } from '../codec/encryption-codec.js';
import type { Config } from '../config/env.js';
import type { Logger } from '../logger.js';
import type { ApiAuth } from './auth/api-auth.js';
import type { AnalyticsReader } from './ports/analytics-reader.js';
import type { EventHistory } from './ports/event-history.js';
import type { NotificationReader } from './ports/notification-reader.js';
import type { OrderReadModel } from './ports/order-read-model.js';
import type { ProductCatalogue } from './ports/product-catalogue.js';
import type { ReadinessProbe } from './ports/readiness-probe.js';

/**
 * Every route but the open ones authenticates through `auth`. Writes go through Temporal only (the workflow owns every change to an order); everything else the API
 * shows comes through a read port, so the routes do not know which database or broker backs them.
 */
export interface AppDeps {
  config: Pick<
    Config,
    | 'TEMPORAL_NAMESPACE'
    | 'TEMPORAL_UI_URL'
    | 'CODEC_CORS_ORIGINS'
    | 'APPROVAL_THRESHOLD'
    | 'APPROVAL_TIMEOUT'
    | 'COMPENSATION_ESCALATE_AFTER'
    | 'COMPENSATION_REMINDER_INTERVAL'
    | 'STEP_DEADLINE'
    | 'STEP_ATTEMPT_TIMEOUT'
    | 'API_BODY_LIMIT'
    | 'API_UPDATE_TIMEOUT_MS'
    | 'API_QUERY_TIMEOUT_MS'
    | 'API_WRITE_RATE'
    | 'API_WRITE_BURST'
    | 'API_STREAMS_PER_PRINCIPAL'
    | 'API_STREAMS_TOTAL'
    | 'API_EVENT_STREAM_GRACE'
  >;
  /** Who is calling: the verifier of bearer tokens, and the local issuer's keys when the API is its own issuer. */
  auth: ApiAuth;
  logger: Logger;
  /** A client on `config.TEMPORAL_NAMESPACE`, encrypting with `codec`. */
  temporal: Client;
  /** The payload codec the client and the workers use; the codec endpoint serves it to the Web UI and the CLI. */
  codec: EncryptionCodec;
  /** Where orderSaga workflows are started; the orders worker's queue (TaskQueues.orders) in production. */
  taskQueue: string;
  orders: OrderReadModel;
  notifications: NotificationReader;
  analytics: AnalyticsReader;
  events: EventHistory;
  products: ProductCatalogue;
  readiness: ReadinessProbe[];
  /** Aborted when the server is stopping, so open event streams end and the server can close. */
  shutdown?: AbortSignal;
}
