/** The order's state machine: every status and the moves allowed out of it. */
export const OrderStatuses = [
  'PENDING',
  'AWAITING_APPROVAL',
  'PAYMENT_CAPTURED',
  'INVENTORY_RESERVED',
  'SHIPPED',
  'COMPLETED',
  'COMPENSATING',
  'FAILED',
  'CANCELLED',
  'COMPENSATION_FAILED',
] as const;

export type OrderStatus = (typeof OrderStatuses)[number];

/**
 * Allowed transitions. PENDING covers pricing; COMPENSATING is entered on any failure or cancel after
 * a step took effect, and leaves to FAILED or CANCELLED, or to COMPENSATION_FAILED where an operator
 * must retry (which goes back to COMPENSATING). PAYMENT_CAPTURED and INVENTORY_RESERVED lead straight to FAILED
 * when a step finds its key holding another request's row (IdempotencyMismatch): the earlier steps replayed that
 * other order's rows, so this run has nothing of its own to undo.
 */
export const OrderTransitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  PENDING: ['AWAITING_APPROVAL', 'PAYMENT_CAPTURED', 'COMPENSATING', 'FAILED', 'CANCELLED'],
  AWAITING_APPROVAL: ['PAYMENT_CAPTURED', 'COMPENSATING', 'FAILED', 'CANCELLED'],
  PAYMENT_CAPTURED: ['INVENTORY_RESERVED', 'COMPENSATING', 'FAILED'],
  INVENTORY_RESERVED: ['SHIPPED', 'COMPENSATING', 'FAILED'],
  SHIPPED: ['COMPLETED'],
  COMPLETED: [],
  COMPENSATING: ['FAILED', 'CANCELLED', 'COMPENSATION_FAILED'],
  FAILED: [],
  CANCELLED: [],
  COMPENSATION_FAILED: ['COMPENSATING'],
};

export const TerminalStatuses: readonly OrderStatus[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

export function isTerminal(status: OrderStatus): boolean {
  return TerminalStatuses.includes(status);
}
