// Starts the live subscriber of a read model: its durable on the event log, writing to the live generation.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import type { EventSettings } from '../events/nats/settings.js';
import { bookkeepingDb } from '../events/subscribers/bookkeeping.js';
import { KyselyFailureLog } from '../events/subscribers/failure-log.js';
import { startSubscription } from '../events/subscribers/subscription.js';
import type { Subscription } from '../events/subscribers/subscription.js';
import type { ReadModelBaseTables } from './generations.js';
import { liveReadModelHandler } from './live-handler.js';
import type { ReadModel } from './read-model.js';

export interface ReadModelSubscriptionOptions {
  nc: NatsConnection;
  db: Kysely<ReadModelBaseTables>;
  model: ReadModel;
  settings: EventSettings;
  logger: Logger;
}

/** One instance of a read model's subscriber; start more (other processes, same database) to share the load. */
export async function startReadModelSubscription(options: ReadModelSubscriptionOptions): Promise<Subscription> {
  const { nc, db, model, settings, logger } = options;
  return startSubscription({
    nc,
    handler: liveReadModelHandler(db, model),
    settings,
    failures: new KyselyFailureLog(bookkeepingDb(db)),
    logger,
  });
}
