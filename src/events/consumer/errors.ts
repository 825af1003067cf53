// Errors a subscriber's handler throws to steer redelivery.

/**
 * The handler will never accept this event (a business rule, not an outage): it is dead-lettered at once
 * and terminated instead of being retried until its deliveries run out.
 */
export class EventRejectedError extends Error {
  override readonly name = 'EventRejectedError';
  readonly code = 'EventRejected';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * The event depends on one the service has not seen yet (competing instances can handle an order's events
 * out of order): retried after the usual backoff, by which time the earlier event has been handled.
 */
export class EventOutOfOrderError extends Error {
  override readonly name = 'EventOutOfOrderError';
  readonly code = 'EventOutOfOrder';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
