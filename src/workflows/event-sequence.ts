// Numbers the saga's events: each activity call that may announce one gets its place in the saga, behind a patch.
import { patched } from '@temporalio/workflow';
import type { EventSequence } from '../shared/activity-contracts.js';
import type { OrderRecord } from './order-record.js';

/**
 * The change id of passing `sequence` in the activities' inputs. Runs recorded without it (release 0.1.0) replay
 * with the inputs they recorded, and their events carry no sequence (consumers order those by stream position:
 * src/events/order-sequence.ts).
 */
export const eventSequencePatch = 'event-sequence';

/**
 * The change id of passing `sequenceTime` (the workflow's clock at the call) beside `sequence`: a reset starts the
 * count again, and the time ranks the new run's events above the old run's (src/events/order-sequence.ts). Runs
 * recorded without it replay with the inputs they recorded.
 */
export const sequenceTimePatch = 'event-sequence-time';

/**
 * `input` with the call's sequence number, for an activity call that may announce an event (the forward steps, the
 * compensations, publishOrderEvent). The counter moves on every such call, whether or not the patch applies, so a
 * run that reaches new code half-way numbers its later calls by their true place in the saga; a call that ends up
 * announcing nothing (nothing to undo, an address refused) leaves a gap, which is harmless: only the order counts.
 *
 * Each service's relay publishes on its own, so the stream's order is no longer the saga's; this number is.
 */
export function sequenced<T extends object>(record: OrderRecord, input: T): T & EventSequence {
  const sequence = record.nextEventSequence();
  if (!patched(eventSequencePatch)) return input;
  // Date.now() is the workflow's clock: the current workflow task's time, the same on every replay.
  return patched(sequenceTimePatch) ? { ...input, sequence, sequenceTime: Date.now() } : { ...input, sequence };
}
