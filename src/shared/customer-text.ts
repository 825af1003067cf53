// The one table of what a customer is told about a failure, by its code: never an operator's note, a provider's
// error or a timeout's internals.

/** A failure as the order, its steps and its events record it. */
export interface FailureText {
  code: string;
  message: string;
}

/**
 * Codes whose message the service wrote for the customer, from the customer's own input (the SKUs and
 * quantities they sent): shown as they are, so the customer can fix the order.
 */
const ownWords: ReadonlySet<string> = new Set(['UnknownSku', 'InvalidQuantity']);

/**
 * Everything else is told in these words, whatever the recorded message says: a decline reason comes from the
 * payment provider, a rejection or cancel reason may be an operator's note, a timeout names the activity that
 * timed out. Operators see the recorded message.
 */
const customerWords: Readonly<Record<string, string>> = {
  PaymentDeclined: 'The payment was declined.',
  InsufficientFunds: 'The payment was declined: insufficient funds.',
  OutOfStock: 'Some items are out of stock.',
  AddressRejected: 'We do not deliver to this address’s country.',
  StepAlreadyCompensated: 'The order could not be completed; nothing was charged or shipped for it.',
  RefundRejected: 'The refund is delayed; our team is on it.',
  CANCELLED: 'The order was cancelled.',
  APPROVAL_REJECTED: 'The order was not approved.',
  APPROVAL_EXPIRED: 'The order was cancelled: it could not be approved in time.',
  STEP_TIMED_OUT: 'A service did not answer in time.',
};

/** For any code not above: a new failure type says nothing internal until someone writes its customer text. */
const otherwise = 'Something went wrong on our side; our team has been told.';

/** What the customer is told for a failure. */
export function customerText(failure: FailureText): string {
  if (ownWords.has(failure.code)) return failure.message;
  return customerWords[failure.code] ?? otherwise;
}

/** The failure with its message replaced by the customer's text; the code stays (clients branch on it). */
export function forCustomer<F extends FailureText>(failure: F): F {
  return { ...failure, message: customerText(failure) };
}
