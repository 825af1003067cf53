// Turns a read model into the live subscriber's event handler, writing to whichever generation is live.
import type { Kysely } from 'kysely';
import type { ParsedEvent } from '../events/envelope.js';
import type { EventHandler, EventMeta } from '../events/subscribers/event-handler.js';
import { applyToGeneration } from './apply-event.js';
import { liveGeneration } from './generations.js';
import type { ReadModelBaseTables } from './generations.js';
import type { ReadModel } from './read-model.js';

/** Thrown inside the transaction to roll it back when a rebuild switched generations under it. */
class GenerationMovedError extends Error {
  override readonly name = 'GenerationMovedError';
  readonly code = 'GenerationMoved';
}

/**
 * The generation is read before the transaction and checked again inside it, after the inbox claim has
 * taken the write lock: if a rebuild switched in between, the transaction is rolled back and redone
 * against the new generation, so no event is applied to a generation that is no longer live.
 */
export function liveReadModelHandler(db: Kysely<ReadModelBaseTables>, model: ReadModel): EventHandler {
  return {
    consumer: model.consumer,
    filterSubjects: model.filterSubjects,
    async handle(event: ParsedEvent, meta: EventMeta): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        const generation = await liveGeneration(db, model.name);
        try {
          await db.transaction().execute(async (trx) => {
            await applyToGeneration(trx, model, generation, event, meta);
            if ((await liveGeneration(trx, model.name)) !== generation) throw new GenerationMovedError();
          });
          return;
        } catch (error) {
          if (!(error instanceof GenerationMovedError) || attempt >= 3) throw error;
        }
      }
    },
  };
}
