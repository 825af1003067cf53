/**
 * The contract between the saga and the services: the signature of every activity, per service.
 * The workflow proxies these interfaces (types only, nothing of the services enters the bundle) and
 * each service's activity factory must return an object that satisfies its interface.
 *
 * Idempotency: every activity derives its idempotency key from its workflow ID and its step name
 * (`<workflowId>:<activityType>`), so a retried attempt never charges, reserves or ships twice, and a
 * compensation for a step that never happened is a no-op that reports `{ applied: false }`.
 */
import type { Money, OrderLineInput, PricedLine, PricedOrder, ShippingAddress } from './order.js';
import type { Actor } from './actor.js';
import type { OrderStatus } from './order-status.js';

/**
 * The attempt that produced a result (`Context.current().info.attempt`). Temporal does not tell the workflow
 * how many attempts a successful activity took, yet the order's state shows it; absent reads as 1.
 */
export interface AttemptCount {
  attempts?: number;
}

/**
 * The event's place among its order's events, which the workflow counts and passes to every activity that may
 * announce one (docs/events.md). Absent in the inputs of runs recorded before the workflow numbered its events:
 * their events carry none, and consumers order them by stream position (src/events/order-sequence.ts).
 */
export interface EventSequence {
  sequence?: number;
  /**
   * The workflow's clock (epoch ms) when it made the call: a run after a reset makes its calls later than every call
   * of the run it replaced, so events rank by it first and by `sequence` within the same instant. Absent in the inputs
   * of runs recorded before it existed.
   */
  sequenceTime?: number;
}

export interface ChargePaymentInput extends EventSequence {
  orderId: string;
  customerId: string;
  token: string;
  amount: Money;
}
export interface ChargePaymentResult extends AttemptCount {
  paymentId: string;
  amount: Money;
}
export interface RefundPaymentInput extends EventSequence {
  orderId: string;
}
/**
 * `applied: false` when there was nothing to undo (no captured charge, reservation or shipment, or another
 * workflow already undid it). A retry of the same compensation replays its stored result, so it stays `true`.
 */
export interface CompensationResult extends AttemptCount {
  applied: boolean;
}

export interface PaymentActivities {
  /** Fails with PaymentDeclined / InsufficientFunds (non-retryable); the flaky token fails transiently first. */
  chargePayment(input: ChargePaymentInput): Promise<ChargePaymentResult>;
  /** Refunds the charge this order's workflow made; RefundRejected (non-retryable) while the provider refuses it. */
  refundPayment(input: RefundPaymentInput): Promise<CompensationResult>;
}

export interface PriceOrderInput {
  orderId: string;
  items: OrderLineInput[];
}
export interface ReserveInventoryInput extends EventSequence {
  orderId: string;
  lines: { sku: string; quantity: number }[];
}
export interface ReserveInventoryResult extends AttemptCount {
  reservationId: string;
}
/** `sequence` is read by the compensations that announce an event (releaseInventory, cancelShipment). */
export interface OrderRefInput extends EventSequence {
  orderId: string;
}

export interface InventoryActivities {
  /** Prices from the catalogue; UnknownSku / InvalidQuantity (non-retryable). Read-only. */
  priceOrder(input: PriceOrderInput): Promise<PricedOrder & AttemptCount>;
  /** All-or-nothing across the lines; OutOfStock (non-retryable) names the SKUs short. */
  reserveInventory(input: ReserveInventoryInput): Promise<ReserveInventoryResult>;
  /** Returns this order's reserved stock to available. */
  releaseInventory(input: OrderRefInput): Promise<CompensationResult>;
  /** Moves this order's reserved stock to shipped once the shipment exists. */
  commitReservation(input: OrderRefInput): Promise<CompensationResult>;
}

export interface CreateShipmentInput extends EventSequence {
  orderId: string;
  address: ShippingAddress;
  lines: PricedLine[];
}
export interface CreateShipmentResult extends AttemptCount {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
}

export interface ShippingActivities {
  /** AddressRejected (non-retryable) for a country the service does not serve. */
  createShipment(input: CreateShipmentInput): Promise<CreateShipmentResult>;
  cancelShipment(input: OrderRefInput): Promise<CompensationResult>;
}

/** Order-level events are the orders service's own facts: the order worker records them in its store. */
export type OrderEventName =
  | 'OrderCreated'
  | 'OrderApproved'
  | 'OrderCompleted'
  | 'OrderFailed'
  | 'OrderCancelled'
  | 'CompensationFailed'
  | 'CompensationReminder'
  | 'CompensationsRetried';

export interface PublishOrderEventInput extends EventSequence {
  name: OrderEventName;
  /** Distinguishes two events of the same name in one workflow (for example two CompensationFailed after a retry). */
  step: string;
  orderId: string;
  customerId: string;
  status: OrderStatus;
  total?: Money;
  lines?: PricedLine[];
  reason?: { code: string; message: string };
  /** A CompensationReminder's number within its parking (1, 2...). */
  reminder?: number;
  /** A CompensationReminder's parking: when the order moved to COMPENSATION_FAILED. */
  parkedAt?: string;
  /** Who asked for what the event reports (an approval, a cancel, a retry), when someone did. */
  actor?: Actor;
  /**
   * OrderCreated of an order that waits for approval: when it is cancelled unless an operator decides (ISO 8601).
   * Passed by runs under the patch `order-created-approval-deadline`; OrderCreated v1 does not carry it.
   */
  approvalDeadline?: string;
}

export interface OrderActivities {
  publishOrderEvent(input: PublishOrderEventInput): Promise<void>;
}
