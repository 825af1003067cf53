// Starts one instance of a read model: its store and its durable subscription, stopped together; the same for all three.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { DatabaseLocation } from '../db/database.js';
import { bookkeepingDb, inboxSize } from '../events/consumer/bookkeeping.js';
import { startSubscription } from '../events/consumer/durable-subscription.js';
import type { Subscription } from '../events/consumer/durable-subscription.js';
import { KyselyFailureLog } from '../events/consumer/failure-log.js';
import type { FailureLog } from '../events/consumer/failure-log.js';
import { pruneBookkeeping } from '../events/consumer/inbox-pruning.js';
import type { EventSettings } from '../events/nats/settings.js';
import type { Logger } from '../logger.js';
import { liveReadModelHandler } from './generation.js';
import type { Exclusive, ReadModel, ReadModelBaseTables } from './generation.js';

export interface ReadModelServiceOptions {
  nc: NatsConnection;
  /** From `readModelLocations`: a SQLite file the instances on one host share, or PostgreSQL (the model's schema). */
  location: DatabaseLocation;
  settings: EventSettings;
  logger: Logger;
  /**
   * Shared by the subscriptions of one process that write different SQLite files. better-sqlite3 waits for
   * another process's lock synchronously, blocking the whole event loop: a process waiting on file B while its
   * own transaction on file A is open, and another process doing the reverse, would each block until the busy
   * timeout. Taking turns means a process never holds one file's lock while it waits for another's.
   */
  exclusive?: Exclusive;
}

export interface ReadModelService<Store> {
  readonly store: Store;
  readonly subscription: Subscription;
  /** Stops consuming, then closes the database. */
  stop(): Promise<void>;
}

/** Subscribes once `store` is open, and closes the store again if subscribing fails. */
export async function startReadModelService<Store extends { close(): Promise<void> }>(
  store: Store,
  subscribe: () => Promise<Subscription>,
): Promise<ReadModelService<Store>> {
  try {
    const subscription = await subscribe();
    return {
      store,
      subscription,
      async stop() {
        await subscription.stop();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * A rebuildable model's instance: its live subscriber (`liveReadModelHandler`) on `db`, the store's database. Start
 * more (other processes, same database) to share the load.
 */
export function startLiveReadModel<Store extends { close(): Promise<void> }>(
  store: Store,
  db: Kysely<ReadModelBaseTables>,
  model: ReadModel,
  options: ReadModelServiceOptions,
): Promise<ReadModelService<Store>> {
  const { nc, settings, logger, exclusive } = options;
  const failures = new KyselyFailureLog(bookkeepingDb(db));
  return startReadModelService(store, () =>
    startSubscription({
      nc,
      handler: liveReadModelHandler(db, model, exclusive),
      settings,
      failures: exclusive ? exclusiveFailureLog(failures, exclusive) : failures,
      logger,
      prune: (olderThan) => (exclusive ?? ((work) => work()))(() => pruneBookkeeping(bookkeepingDb(db), olderThan)),
      inboxSize: () => inboxSize(bookkeepingDb(db)),
    }),
  );
}

function exclusiveFailureLog(failures: FailureLog, exclusive: Exclusive): FailureLog {
  return {
    record: (failure) => exclusive(() => failures.record(failure)),
    last: (consumer, streamSeq) => exclusive(() => failures.last(consumer, streamSeq)),
    clear: (consumer, streamSeq) => exclusive(() => failures.clear(consumer, streamSeq)),
  };
}
