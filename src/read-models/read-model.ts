// A rebuildable read model: the projection the live subscriber and the rebuild both apply, per generation.
import type { Kysely } from 'kysely';
import type { ParsedEvent } from '../events/envelope.js';
import type { EventMeta } from '../events/subscribers/event-handler.js';
import type { ReadModelBaseTables } from './generations.js';

/**
 * Projections must converge whatever order events are applied in (competing instances handle one order's
 * events concurrently, re-drives arrive late): "latest" fields compare `meta.position`, counters add, first
 * and last times take min and max. That is what makes a rebuild from the stream equal the live model.
 * The framework hands the model its database typed by the shared tables only; the model's own tables live
 * in the same database, and each model widens the type once (`modelDb`) to reach them.
 */
export interface ReadModel {
  /** `orders` or `analytics`: the pointer row and the rebuild command's `--model`. */
  readonly name: string;
  /** The live subscriber's durable consumer. */
  readonly consumer: string;
  readonly filterSubjects: string[];
  /** Applies one event to `generation`; called inside the transaction that claimed the event in the inbox. */
  apply(trx: Kysely<ReadModelBaseTables>, generation: number, event: ParsedEvent, meta: EventMeta): Promise<void>;
  /** Deletes every row of a generation (an abandoned rebuild, or the one a switch replaced). */
  dropGeneration(db: Kysely<ReadModelBaseTables>, generation: number): Promise<void>;
}
