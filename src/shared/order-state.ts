/** The shape of the workflow's `getState` query: what the API, the read models and operators see of an order. */
import type { Money, PricedLine, ShippingAddress } from './order.js';
import type { OrderStatus } from './order-status.js';

export type StepName = 'priceOrder' | 'chargePayment' | 'reserveInventory' | 'createShipment' | 'commitReservation';
export type CompensationName = 'refundPayment' | 'releaseInventory' | 'cancelShipment';

export interface StepRecord {
  name: StepName;
  outcome: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt?: string;
  /** Attempts Temporal made, as reported by the activity's result or failure. */
  attempts: number;
  /** Step result worth showing (payment ID, tracking number...). */
  detail?: Record<string, string | number>;
  failure?: { code: string; message: string };
}

export interface CompensationRecord {
  name: CompensationName;
  outcome: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt?: string;
  /** false when the compensation found nothing to undo (the step never took effect). */
  applied?: boolean;
  failure?: { code: string; message: string };
}

export interface OrderState {
  orderId: string;
  customerId: string;
  status: OrderStatus;
  lines: PricedLine[];
  total?: Money;
  shippingAddress: ShippingAddress;
  steps: StepRecord[];
  compensations: CompensationRecord[];
  /** Why the order did not complete (business failure type, or CANCELLED / APPROVAL_REJECTED / APPROVAL_EXPIRED). */
  failure?: { code: string; message: string };
  /** When an order above the approval threshold stops waiting for an operator (ISO-8601); absent otherwise. */
  approvalDeadline?: string;
  createdAt: string;
  updatedAt: string;
}
