// Writes a failed event to the dead-letter stream and reads dead letters back for the re-drive.
import type { JetStreamClient, StoredMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import type { MsgHdrs } from '@nats-io/transport-node';
import { DeadLetterHeaders, headerValue } from './dead-letter-headers.js';
import type { DeadLetterReason } from './dead-letter-headers.js';
import { DEAD_LETTER_STREAM } from './topology.js';

export interface DeadLetterInput {
  consumer: string;
  stream: string;
  streamSeq: number;
  subject: string;
  data: Uint8Array;
  deliveries: number;
  reason: DeadLetterReason;
  error?: string;
  /** The original message's headers (Nats-Msg-Id and the like are renamed so they do not act on the DLQ). */
  originalHeaders?: MsgHdrs | undefined;
}

/** `dlq.<consumer>.<original subject>`. */
export function deadLetterSubject(consumer: string, subject: string): string {
  return `dlq.${consumer}.${subject}`;
}

/**
 * Publishes one dead letter and waits for the DLQ's ack. The message ID is `<consumer>:<stream>:<seq>`, so
 * the same failure reported twice (two instances, or a retry after a lost ack) is stored once.
 */
export async function publishDeadLetter(js: JetStreamClient, input: DeadLetterInput, timeoutMs = 5_000): Promise<void> {
  const h = headers();
  for (const [key, values] of input.originalHeaders ?? []) {
    const name = key.toLowerCase().startsWith('nats-') ? `Original-${key}` : key;
    for (const value of values) h.append(name, value);
  }
  h.set(DeadLetterHeaders.consumer, input.consumer);
  h.set(DeadLetterHeaders.stream, input.stream);
  h.set(DeadLetterHeaders.streamSeq, String(input.streamSeq));
  h.set(DeadLetterHeaders.subject, input.subject);
  h.set(DeadLetterHeaders.deliveries, String(input.deliveries));
  h.set(DeadLetterHeaders.reason, input.reason);
  if (input.error !== undefined) h.set(DeadLetterHeaders.error, headerValue(input.error));
  h.set(DeadLetterHeaders.at, new Date().toISOString());
  await js.publish(deadLetterSubject(input.consumer, input.subject), input.data, {
    msgID: `${input.consumer}:${input.stream}:${input.streamSeq}`,
    headers: h,
    timeout: timeoutMs,
    expect: { streamName: DEAD_LETTER_STREAM },
  });
}

/** A dead letter as stored in the DLQ. */
export interface DeadLetter {
  /** Its own sequence in the dead-letter stream (what the re-drive deletes). */
  seq: number;
  consumer: string;
  stream: string;
  streamSeq: number;
  subject: string;
  deliveries: number;
  reason: string;
  error: string | undefined;
  at: string | undefined;
  data: Uint8Array;
}

/** Reads the dead-letter headers of a stored DLQ message. */
export function readDeadLetter(message: Pick<StoredMsg, 'seq' | 'header' | 'data'>): DeadLetter {
  const get = (name: string) => message.header.get(name) || undefined;
  return {
    seq: message.seq,
    consumer: get(DeadLetterHeaders.consumer) ?? '',
    stream: get(DeadLetterHeaders.stream) ?? '',
    streamSeq: Number(get(DeadLetterHeaders.streamSeq) ?? 0),
    subject: get(DeadLetterHeaders.subject) ?? '',
    deliveries: Number(get(DeadLetterHeaders.deliveries) ?? 0),
    reason: get(DeadLetterHeaders.reason) ?? '',
    error: get(DeadLetterHeaders.error),
    at: get(DeadLetterHeaders.at),
    data: message.data,
  };
}
