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
   * left after finding nothing to undo: the step must not take effect any more, late or retried.
   */
  StepAlreadyCompensated: 'StepAlreadyCompensated',
} as const;

export type FailureType = (typeof FailureTypes)[keyof typeof FailureTypes];
