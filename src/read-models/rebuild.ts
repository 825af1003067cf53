// Rebuilds a read model from the event log into a fresh generation, then switches the live pointer to it atomically.
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Kysely } from 'kysely';
import type { Logger } from '../logger.js';
import { deliveryOf } from '../events/consumer/subscriber.js';
import { InvalidEventError, parseEnvelope } from '../events/envelope.js';
import { ORDERS_STREAM } from '../events/nats/topology.js';
import { applyToGeneration, generationScope, lockGenerations, reserveGeneration, switchLive } from './generation.js';
import type { ReadModel, ReadModelBaseTables } from './generation.js';

export interface RebuildOptions {
  nc: NatsConnection;
  db: Kysely<ReadModelBaseTables>;
  model: ReadModel;
  logger: Logger;
  /** How long to wait for the next replayed message before deciding the stream is not delivering. */
  idleTimeoutMs?: number;
}

export interface RebuildResult {
  model: string;
  generation: number;
  previous: number;
  /** Messages replayed, events applied, and events skipped (invalid, or failing as they did live). */
  replayed: number;
  applied: number;
  skipped: number;
  lastSeq: number;
}

/** The rebuild could not finish; the live generation is untouched. */
export class RebuildError extends Error {
  override readonly name = 'RebuildError';
  readonly code = 'RebuildFailed';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * 1. Reserves generation N+1 and empties it (an earlier rebuild may have died half-way).
 * 2. Replays the stream from its first message with an ordered consumer (ephemeral, no acks, nothing left on
 *    the server) into N+1 while the live subscriber keeps writing N.
 * 3. In one transaction that first takes the database's write lock: replays what arrived meanwhile, up to the
 *    stream's last sequence read under the lock, and moves the live pointer to N+1. Everything the live
 *    subscriber committed to N was in the stream before the lock, so N+1 has it too; whatever it handles
 *    after the commit goes to N+1 (its inbox there drops what the replay already applied).
 * 4. Deletes generation N.
 * Events the projection throws on are retried twice, then skipped and counted: live, they were dead-lettered.
 * The replay asks for the model's filter subjects, which must include the stream's last message (every model
 * takes `orders.>`), or the wait for it ends in a RebuildError after `idleTimeoutMs`.
 */
export async function rebuildReadModel(options: RebuildOptions): Promise<RebuildResult> {
  const { nc, db, model } = options;
  const logger = options.logger.child({ model: model.name });
  const idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);

  const generation = await reserveGeneration(db, model.name);
  await dropGeneration(db, model, generation);
  const result: RebuildResult = {
    model: model.name,
    generation,
    previous: 0,
    replayed: 0,
    applied: 0,
    skipped: 0,
    lastSeq: 0,
  };

  const consumer = await js.consumers.get(ORDERS_STREAM, {
    filter_subjects: model.filterSubjects,
    deliver_policy: DeliverPolicy.All,
  });
  const messages = await consumer.consume({ max_messages: 256 });
  const iterator = messages[Symbol.asyncIterator]();

  const next = async (): Promise<JsMsg> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RebuildError(`no message from ${ORDERS_STREAM} within ${idleTimeoutMs} ms`)),
        idleTimeoutMs,
      );
    });
    try {
      const item = await Promise.race([iterator.next(), timeout]);
      if (item.done) throw new RebuildError(`the replay of ${ORDERS_STREAM} ended early`);
      return item.value;
    } finally {
      clearTimeout(timer);
    }
  };

  /** Replays into `generation` until the message at `target` has been applied (`inSwitch`: inside the switch transaction). */
  const replayUntil = async (exec: Kysely<ReadModelBaseTables>, target: number, inSwitch: boolean) => {
    while (result.lastSeq < target) {
      const m = await next();
      result.lastSeq = m.info.streamSequence;
      result.replayed++;
      await applyReplayed(exec, m, inSwitch);
    }
  };

  const applyReplayed = async (exec: Kysely<ReadModelBaseTables>, m: JsMsg, inSwitch: boolean) => {
    // A re-driven copy for another consumer: this model had the original.
    const meta = deliveryOf(m, model.consumer);
    if (meta === undefined) return;
    let event;
    try {
      event = parseEnvelope(m.data);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      result.skipped++;
      return;
    }
    if (inSwitch) {
      // No savepoints: a failure here aborts the rebuild and leaves the live generation as it was.
      if (await applyToGeneration(exec, model, generation, event, meta)) result.applied++;
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await exec
          .transaction()
          .execute((trx) => applyToGeneration(trx, model, generation, event, meta));
        if (applied) result.applied++;
        return;
      } catch (error) {
        if (attempt >= 3) {
          logger.warn({ err: error, seq: meta.streamSeq, subject: m.subject }, 'event skipped: projection failed');
          result.skipped++;
          return;
        }
      }
    }
  };

  try {
    const initial = await jsm.streams.info(ORDERS_STREAM);
    if (initial.state.messages > 0) {
      await replayUntil(db, initial.state.last_seq, false);
    }
    logger.info({ generation, replayed: result.replayed, lastSeq: result.lastSeq }, 'replayed; switching');
    result.previous = await db.transaction().execute(async (trx) => {
      await lockGenerations(trx, model.name);
      const latest = await jsm.streams.info(ORDERS_STREAM);
      if (latest.state.messages > 0) await replayUntil(trx, latest.state.last_seq, true);
      return switchLive(trx, model.name, generation);
    });
  } catch (error) {
    throw error instanceof RebuildError
      ? error
      : new RebuildError(`rebuild of ${model.name} failed: ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
  } finally {
    // The replay is read with `next()`, not `for await`: ending the iterator is what lets `close()` settle.
    const closing = messages.close();
    await iterator.return?.();
    await closing;
  }
  await dropGeneration(db, model, result.previous);
  logger.info(result, 'read model rebuilt');
  return result;
}

async function dropGeneration(db: Kysely<ReadModelBaseTables>, model: ReadModel, generation: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await model.dropGeneration(trx, generation);
    await trx.deleteFrom('processed_events').where('scope', '=', generationScope(model.name, generation)).execute();
  });
}
