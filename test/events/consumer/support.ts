// Helpers for the subscriber tests: temp databases, both read models in one process, publishing sample orders, and
// waiting for consumers to drain.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Subscription } from '../../../src/events/consumer/durable-subscription.js';
import type { EventEnvelope } from '../../../src/events/envelope.js';
import type { EventSettings } from '../../../src/events/nats/settings.js';
import { ORDERS_STREAM } from '../../../src/events/nats/topology.js';
import type { EventPublisher } from '../../../src/events/publisher.js';
import type { Logger } from '../../../src/logger.js';
import type { AnalyticsStore, AnalyticsFigures } from '../../../src/read-models/analytics/store.js';
import { startAnalyticsService } from '../../../src/read-models/analytics/subscription.js';
import type { ReadModelLocations } from '../../../src/read-models/databases.js';
import { oneAtATime } from '../../../src/read-models/generation.js';
import type { OrderReadModelStore } from '../../../src/read-models/orders/store.js';
import { startOrderReadModelService } from '../../../src/read-models/orders/subscription.js';
import { waitFor } from '../../support/wait-for.js';
import { messageOf } from '../nats/fixtures.js';

export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): Promise<void>;
}

export async function tempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'order-saga-subscribers-'));
  return {
    path,
    file: (name) => join(path, `${name}.sqlite`),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}

/** The analytics and order read models of one process (as `--role analytics,order-read-model` runs them). */
export interface ReadModels {
  analytics: AnalyticsStore;
  orders: OrderReadModelStore;
  subscriptions: { analytics: Subscription; orders: Subscription };
  /** Stops consuming, then closes both databases. */
  stop(): Promise<void>;
}

/** Starts both, each on its own durable and database, taking turns as the roles of one process do. */
export async function startReadModels(options: {
  nc: NatsConnection;
  locations: Pick<ReadModelLocations, 'analytics' | 'orders'>;
  settings: EventSettings;
  logger: Logger;
}): Promise<ReadModels> {
  const { locations, ...common } = options;
  const exclusive = oneAtATime();
  const analytics = await startAnalyticsService({ ...common, location: locations.analytics, exclusive });
  const orders = await startOrderReadModelService({ ...common, location: locations.orders, exclusive }).catch(
    async (error: unknown) => {
      await analytics.stop();
      throw error;
    },
  );
  return {
    analytics: analytics.store,
    orders: orders.store,
    subscriptions: { analytics: analytics.subscription, orders: orders.subscription },
    async stop() {
      await Promise.all([analytics.stop(), orders.stop()]);
    },
  };
}

export async function publishAll(publisher: EventPublisher, envelopes: EventEnvelope[]): Promise<void> {
  for (const envelope of envelopes) await publisher.publish(messageOf(envelope));
}

/** Waits until a durable has every stream message acknowledged (nothing pending, nothing in flight). */
export async function waitForDrained(nc: NatsConnection, consumer: string, timeoutMs = 20_000): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await waitFor(
    async () => {
      const info = await jsm.consumers.info(ORDERS_STREAM, consumer);
      return info.num_pending === 0 && info.num_ack_pending === 0;
    },
    { timeoutMs, what: `${consumer} to catch up` },
  );
}

/** The analytics model without `updatedAt`, which says when events were applied (a rebuild applies them later). */
export function modelOf(summary: AnalyticsFigures): Omit<AnalyticsFigures, 'updatedAt'> {
  const { updatedAt: _applied, ...model } = summary;
  return model;
}
