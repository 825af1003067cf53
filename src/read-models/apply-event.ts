// Applies one event to one generation of a read model exactly once: inbox claim and projection in one transaction.
import type { Kysely } from 'kysely';
import type { ParsedEvent } from '../events/envelope.js';
import type { EventMeta } from '../events/subscribers/event-handler.js';
import { bookkeepingDb } from '../events/subscribers/bookkeeping.js';
import { claimEvent } from '../events/subscribers/inbox.js';
import { generationScope } from './generations.js';
import type { ReadModelBaseTables } from './generations.js';
import type { ReadModel } from './read-model.js';

/** Returns false when the generation had already applied this event ID (a redelivery or a duplicate). */
export async function applyToGeneration(
  trx: Kysely<ReadModelBaseTables>,
  model: ReadModel,
  generation: number,
  event: ParsedEvent,
  meta: EventMeta,
): Promise<boolean> {
  if (!(await claimEvent(bookkeepingDb(trx), generationScope(model.name, generation), event, meta.position)))
    return false;
  await model.apply(trx, generation, event, meta);
  return true;
}
