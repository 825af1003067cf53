// Errors of the JetStream adapter: each with a stable code, the broker's error kept as the cause.

/**
 * A publish that was not acknowledged by the stream (NATS unreachable, no ack within the timeout, or the
 * stream refused it). The outbox relay keeps the row pending and tries again; the retry republishes the
 * same event ID and the duplicate window drops any copy that did land.
 */
export class EventPublishError extends Error {
  override readonly name = 'EventPublishError';
  readonly code = 'EventPublishFailed';

  constructor(
    readonly subject: string,
    readonly eventId: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause instanceof Error ? options.cause.message : 'no stream acknowledgement';
    super(`event ${eventId} was not stored on ${subject}: ${reason}`, options);
  }
}

/** A stream or consumer could not be created or brought to its declared configuration. */
export class TopologyError extends Error {
  override readonly name = 'TopologyError';
  readonly code = 'TopologyFailed';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
