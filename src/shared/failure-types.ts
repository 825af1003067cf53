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
} as const;

export type FailureType = (typeof FailureTypes)[keyof typeof FailureTypes];
