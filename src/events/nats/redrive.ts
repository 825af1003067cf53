// Re-drives dead letters: republishes each to its original subject for the consumer that failed it, then removes it from the DLQ.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { headers } from '@nats-io/transport-node';
import { DeadLetterHeaders, RedriveHeaders } from './dead-letter-headers.js';
import { readDeadLetter } from './dead-letters.js';
import type { DeadLetter } from './dead-letters.js';
import { DEAD_LETTER_STREAM, ORDERS_STREAM } from './topology.js';

export interface RedriveOptions {
  nc: NatsConnection;
  /** Only this consumer's dead letters. */
  consumer?: string;
  /** Only these DLQ sequences. */
  sequences?: number[];
  /** List what would be re-driven, change nothing. */
  dryRun?: boolean;
  timeoutMs?: number;
}

const dlqOnlyHeaders = new Set<string>(Object.values(DeadLetterHeaders).map((h) => h.toLowerCase()));

/**
 * For each matching dead letter, in DLQ order: publish the original payload to the original subject on
 * ORDERS with `Redrive-For: <consumer>` (only the consumer that failed handles the copy; the others had
 * handled the original and acknowledge it unseen, and their inboxes would drop it anyway) and, for an event without
 * an `ordersequence` (published before the workflow numbered its events), `Redrive-Original-Seq` (projections order
 * it where the original was). Then delete it from the DLQ.
 *
 * Safe to re-run after a crash: the republish's message ID is the dead letter's DLQ sequence, so a copy
 * published just before a crash is not published twice within the duplicate window; and the event ID
 * inside keeps every consumer's effect once-only beyond it.
 */
export async function redriveDeadLetters(options: RedriveOptions): Promise<DeadLetter[]> {
  const { nc, consumer, sequences, dryRun = false, timeoutMs = 5_000 } = options;
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc, { timeout: timeoutMs });
  const filter = consumer === undefined ? 'dlq.>' : `dlq.${consumer}.>`;
  const wanted = sequences === undefined ? undefined : new Set(sequences);
  const redriven: DeadLetter[] = [];
  for (let seq = 1; ;) {
    const stored = await jsm.direct.getMessage(DEAD_LETTER_STREAM, { seq, next_by_subj: filter });
    if (stored === null) break;
    seq = stored.seq + 1;
    if (wanted !== undefined && !wanted.has(stored.seq)) continue;
    const letter = readDeadLetter(stored);
    redriven.push(letter);
    if (dryRun) continue;

    const h = headers();
    for (const [key, values] of stored.header) {
      const lower = key.toLowerCase();
      if (dlqOnlyHeaders.has(lower) || lower.startsWith('nats-') || lower.startsWith('original-nats-')) continue;
      for (const value of values) h.append(key, value);
    }
    h.set(RedriveHeaders.for, letter.consumer);
    // A sequenced event is ordered by its sequence wherever the copy lands; only one from before the sequence
    // existed needs its original's stream position to be ordered where the original was.
    if (!h.has(RedriveHeaders.originalSeq) && !carriesSequence(letter.data)) {
      h.set(RedriveHeaders.originalSeq, String(letter.streamSeq));
    }
    await js.publish(letter.subject, letter.data, {
      msgID: `redrive:${DEAD_LETTER_STREAM}:${stored.seq}`,
      headers: h,
      timeout: timeoutMs,
      expect: { streamName: ORDERS_STREAM },
    });
    await jsm.streams.deleteMessage(DEAD_LETTER_STREAM, stored.seq);
  }
  return redriven;
}

/** Whether a dead letter's payload is an envelope with an `ordersequence` (src/events/order-sequence.ts). */
function carriesSequence(data: Uint8Array): boolean {
  try {
    const envelope: unknown = JSON.parse(new TextDecoder().decode(data));
    return typeof (envelope as { ordersequence?: unknown } | null)?.ordersequence === 'number';
  } catch {
    return false;
  }
}
