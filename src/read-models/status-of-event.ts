// The order status an event implies, shared by the order read model and analytics so both count the same way.
import type { ParsedEvent } from '../events/envelope.js';
import type { OrderStatus } from '../shared/order-status.js';

/**
 * Order-level events carry the workflow's status; service events imply the step they report. Failures of a
 * step (PaymentFailed, InventoryUpdateFailed) imply nothing by themselves: the workflow's next event
 * (OrderFailed, or compensation) says where the order went.
 */
export function statusOfEvent(event: ParsedEvent): OrderStatus | undefined {
  switch (event.name) {
    case 'OrderCreated':
    case 'OrderCompleted':
    case 'OrderFailed':
    case 'OrderCancelled':
    case 'CompensationFailed':
    case 'CompensationReminder':
    case 'CompensationsRetried':
      return event.envelope.data.status;
    case 'PaymentProcessed':
      return 'PAYMENT_CAPTURED';
    case 'InventoryUpdated':
      return 'INVENTORY_RESERVED';
    case 'OrderShipped':
      return 'SHIPPED';
    case 'PaymentRefunded':
    case 'InventoryReleased':
    case 'ShipmentCancelled':
      return 'COMPENSATING';
    // OrderApproved is published while the order still awaits approval; the payment that follows moves it on.
    case 'OrderApproved':
    case 'PaymentFailed':
    case 'InventoryUpdateFailed':
      return undefined;
  }
}

/** The event's customer, where its producer knows it (inventory and shipping events do not carry one). */
export function customerOfEvent(event: ParsedEvent): string | undefined {
  const data = event.envelope.data;
  return 'customerId' in data ? data.customerId : undefined;
}

/** Event times normalised to UTC milliseconds ISO strings, so they compare as text. */
export function eventTime(event: ParsedEvent): string {
  return new Date(event.envelope.time).toISOString();
}
