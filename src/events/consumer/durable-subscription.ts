// Starts one instance of a subscribing service on its durables: the consumer loop and the dead-letter forwarder.
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../../logger.js';
import { sampleSubscription } from '../../metrics/subscription-metrics.js';
import type { EventSettings } from '../nats/settings.js';
import { ensureSubscriberConsumers } from '../nats/topology.js';
import { startDeadLetterForwarder } from './dead-letter-forwarder.js';
import type { FailureLog } from './failure-log.js';
import { startInboxPruner } from './inbox-pruning.js';
import type { PrunedRows } from './inbox-pruning.js';
import { startSubscriber } from './subscriber.js';
import type { EventHandler, SubscriberStats } from './subscriber.js';

export interface SubscriptionOptions {
  nc: NatsConnection;
  handler: EventHandler;
  settings: EventSettings;
  failures: FailureLog;
  logger: Logger;
  /**
   * Deletes the service's inbox and failure-log rows older than a time (`pruneBookkeeping`); with
   * `settings.inboxRetentionMs` it runs at start and periodically, so the inbox stays bounded.
   */
  prune?: (olderThan: Date) => Promise<PrunedRows>;
  /** Counts the service's inbox rows, for the `order_saga_inbox_events` gauge. */
  inboxSize?: () => Promise<number>;
}

export interface Subscription {
  readonly consumer: string;
  readonly stats: SubscriberStats;
  /** Dead letters this instance forwarded from max-deliveries advisories. */
  forwarded(): number;
  stop(): Promise<void>;
}

/**
 * Ensures this service's two durables (the streams are the process's: `createRoleContext` applies them when it
 * connects) and starts both loops. Every instance runs the same code: the durables are shared, so instances compete
 * for events and for advisories.
 */
export async function startSubscription(options: SubscriptionOptions): Promise<Subscription> {
  const { nc, handler, settings } = options;
  const jsm = await jetstreamManager(nc);
  await ensureSubscriberConsumers(jsm, handler.consumer, handler.filterSubjects, settings);
  const subscriber = await startSubscriber(options);
  const forwarder = await startDeadLetterForwarder({ ...options, consumer: handler.consumer });
  const { prune } = options;
  const retentionMs = settings.inboxRetentionMs;
  const pruner =
    prune && retentionMs !== undefined ? startInboxPruner({ prune, retentionMs, logger: options.logger }) : undefined;
  const unsample = sampleSubscription({
    jsm,
    consumer: handler.consumer,
    ...(options.inboxSize && { inboxSize: options.inboxSize }),
  });
  options.logger.info({ consumer: handler.consumer, subjects: handler.filterSubjects }, 'subscribed');
  return {
    consumer: handler.consumer,
    stats: subscriber.stats,
    forwarded: forwarder.forwarded,
    async stop() {
      unsample();
      await Promise.all([subscriber.stop(), forwarder.stop(), pruner?.stop()]);
    },
  };
}
