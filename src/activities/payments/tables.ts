// Row types of the payments database, as Kysely sees them.
import type { OutboxTables } from '../../events/outbox/schema.js';

/** One charge attempt per order workflow, declined ones included, so every payment event is backed by a row. */
export interface ChargesTable {
  payment_id: string;
  /** `<workflowId>:chargePayment`; unique, so a retried charge finds its row instead of charging again. */
  idempotency_key: string;
  order_id: string;
  customer_id: string;
  /** Minor units. */
  amount: number;
  currency: string;
  status: ChargeStatus;
  /** Failure type when declined (`PaymentDeclined`, `InsufficientFunds`). */
  failure_code: string | null;
  failure_message: string | null;
  /** 1 while the provider refuses to refund this charge; an operator clears it. Integer, not boolean, for portability. */
  refund_blocked: number;
  created_at: string;
  refund_key: string | null;
  refunded_at: string | null;
  /**
   * 1 for a tombstone: refundPayment found no charge to refund and took the charge's key (status `refunded`,
   * amount 0), so a late chargePayment attempt cannot charge any more. Not a charge; reads by order skip it.
   */
  tombstone: number;
}

export type ChargeStatus = 'captured' | 'declined' | 'refunded';

export interface PaymentTables extends OutboxTables {
  charges: ChargesTable;
}
