/**
 * Stable `ApplicationFailure` types for business failures. The workflow branches on these strings
 * (`failure.cause.type`), never on `instanceof`, and the API maps them to HTTP answers.
 */
export const FailureTypes = {
  UnknownSku: 'UnknownSku',
  InvalidQuantity: 'InvalidQuantity',
  PaymentDeclined: 'PaymentDeclined',
  InsufficientFunds: 'InsufficientFunds',
  RefundRejected: 'RefundRejected',
  OutOfStock: 'OutOfStock',
  AddressRejected: 'AddressRejected',
  /**
   * A forward step (charge, reserve, ship) found its idempotency key taken by the tombstone its compensation
   * left after finding nothing to undo, or by a row its compensation undid (refunded, released, cancelled): the step
   * must not take effect any more, late, retried or in a new run of the order.
   */
  StepAlreadyCompensated: 'StepAlreadyCompensated',
  /**
   * A forward step found its idempotency key holding a row stored for different input (another amount, other lines,
   * another address): the key names another request, so the step does nothing.
   */
  IdempotencyMismatch: 'IdempotencyMismatch',
} as const;

export type FailureType = (typeof FailureTypes)[keyof typeof FailureTypes];
