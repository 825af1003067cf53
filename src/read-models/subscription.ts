// Starts the live subscriber of a read model: its durable on the event log, writing to the live generation.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import type { EventSettings } from '../events/nats/settings.js';
import { bookkeepingDb } from '../events/subscribers/bookkeeping.js';
import type { EventHandler } from '../events/subscribers/event-handler.js';
import { KyselyFailureLog } from '../events/subscribers/failure-log.js';
import type { FailureLog } from '../events/subscribers/failure-log.js';
import { startSubscription } from '../events/subscribers/subscription.js';
import type { Subscription } from '../events/subscribers/subscription.js';
import type { ReadModelBaseTables } from './generations.js';
import { liveReadModelHandler } from './live-handler.js';
import type { ReadModel } from './read-model.js';

/** Runs each piece of work it is given after the previous one has settled. */
export type Exclusive = <T>(work: () => Promise<T>) => Promise<T>;

export function oneAtATime(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

export interface ReadModelSubscriptionOptions {
  nc: NatsConnection;
  db: Kysely<ReadModelBaseTables>;
  model: ReadModel;
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

/** One instance of a read model's subscriber; start more (other processes, same database) to share the load. */
export async function startReadModelSubscription(options: ReadModelSubscriptionOptions): Promise<Subscription> {
  const { nc, db, model, settings, logger, exclusive } = options;
  const handler = liveReadModelHandler(db, model);
  const failures = new KyselyFailureLog(bookkeepingDb(db));
  return startSubscription({
    nc,
    handler: exclusive ? exclusiveHandler(handler, exclusive) : handler,
    settings,
    failures: exclusive ? exclusiveFailureLog(failures, exclusive) : failures,
    logger,
  });
}

function exclusiveHandler(handler: EventHandler, exclusive: Exclusive): EventHandler {
  return {
    consumer: handler.consumer,
    filterSubjects: handler.filterSubjects,
    handle: (event, meta) => exclusive(() => handler.handle(event, meta)),
  };
}

function exclusiveFailureLog(failures: FailureLog, exclusive: Exclusive): FailureLog {
  return {
    record: (failure) => exclusive(() => failures.record(failure)),
    last: (consumer, streamSeq) => exclusive(() => failures.last(consumer, streamSeq)),
    clear: (consumer, streamSeq) => exclusive(() => failures.clear(consumer, streamSeq)),
  };
}
