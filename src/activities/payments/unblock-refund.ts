// The operator's unblock of a refund the provider refused for good: clears the block, so retryCompensations can refund the order.
import { existsSync } from 'node:fs';
import type { DatabaseLocation } from '../../db/database.js';
import { openPaymentStore } from './store.js';

/** The payments database is not where the configuration says; opening it would create an empty one instead. */
export class PaymentsDatabaseMissingError extends Error {
  override readonly name = 'PaymentsDatabaseMissingError';
  readonly code = 'PaymentsDatabaseMissing';
  constructor(readonly filename: string) {
    super(`no payments database at ${filename} (is DATA_DIR right?)`);
  }
}

export type UnblockRefundResult =
  | { unblocked: true; paymentId: string | undefined }
  /** `why` says what the order's charge is instead: none at all, or one whose refund is not blocked. */
  | { unblocked: false; why: string };

/**
 * Lifts the provider's block on the refund of `orderId`'s charge. Refuses a SQLite file that does not exist (a
 * mistyped DATA_DIR must say so, not migrate an empty database); an order without a blocked charge is a result, not
 * an error, so the operator reads what its charge is instead.
 */
export async function unblockRefund(location: DatabaseLocation, orderId: string): Promise<UnblockRefundResult> {
  if ('filename' in location && !existsSync(location.filename))
    throw new PaymentsDatabaseMissingError(location.filename);
  const store = await openPaymentStore(location);
  try {
    const unblocked = await store.unblockRefund(orderId);
    const charge = await store.findChargeByOrder(orderId);
    if (unblocked) return { unblocked: true, paymentId: charge?.paymentId };
    return {
      unblocked: false,
      why: charge === undefined ? 'no charge at all' : `its charge ${charge.paymentId} is ${charge.status}`,
    };
  } finally {
    await store.close();
  }
}
