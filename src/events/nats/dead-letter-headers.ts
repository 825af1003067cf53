// Header names that dead letters and re-driven events carry, in one place for writers and readers.

/** On a dead letter: where it came from, who gave up on it and why. */
export const DeadLetterHeaders = {
  /** The durable consumer that could not handle the event. */
  consumer: 'Dlq-Consumer',
  stream: 'Dlq-Stream',
  /** The event's sequence in its stream: the original stays there, this names it. */
  streamSeq: 'Dlq-Stream-Seq',
  /** The original subject, to which a re-drive republishes. */
  subject: 'Dlq-Subject',
  deliveries: 'Dlq-Deliveries',
  /** `max-deliveries`, `invalid-event` or `rejected`. */
  reason: 'Dlq-Reason',
  /** The handler's last error (or the validation message), one line, truncated. */
  error: 'Dlq-Error',
  at: 'Dlq-At',
} as const;

/** On an event republished by the re-drive command. */
export const RedriveHeaders = {
  /** Only this consumer handles the copy; the others acknowledge it unseen (they had handled the original). */
  for: 'Redrive-For',
  /**
   * The original stream sequence, for an event without an `ordersequence` (from before the workflow numbered its
   * events): projections order such an event by it, so a late copy does not look newer than it is.
   */
  originalSeq: 'Redrive-Original-Seq',
} as const;

export type DeadLetterReason = 'max-deliveries' | 'invalid-event' | 'rejected';

/** Header values are single-line; long stack-laden messages are cut to keep the dead letter readable. */
export function headerValue(text: string, max = 1_000): string {
  const line = text.replace(/[\r\n]+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
