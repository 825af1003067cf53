// Helpers for the subscriber tests: temp databases, publishing sample orders, and waiting for consumers to drain.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventEnvelope } from '../../../src/events/envelope.js';
import { ORDERS_STREAM } from '../../../src/events/nats/topology.js';
import type { EventPublisher } from '../../../src/events/publisher.js';
import type { AnalyticsSummary } from '../../../src/read-models/analytics/store.js';
import { waitFor } from '../../support/wait-for.js';
import { outgoingOf } from '../nats/fixtures.js';

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

export async function publishAll(publisher: EventPublisher, envelopes: EventEnvelope[]): Promise<void> {
  for (const envelope of envelopes) await publisher.publish(outgoingOf(envelope));
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
export function modelOf(summary: AnalyticsSummary): Omit<AnalyticsSummary, 'updatedAt'> {
  const { updatedAt: _applied, ...model } = summary;
  return model;
}
