// Renders the customer-facing message for each event the notifications service reacts to.
import type { EventName } from '../../events/catalogue.js';
import type { ParsedEvent } from '../../events/envelope.js';

export interface RenderedMessage {
  title: string;
  body: string;
}

/**
 * The events a customer hears about; the rest are internal progress (InventoryUpdated, OrderCompleted) or for
 * operators (CompensationReminder).
 */
export const notifiedEvents = [
  'OrderCreated',
  'PaymentProcessed',
  'OrderShipped',
  'PaymentFailed',
  'InventoryUpdateFailed',
  'OrderCancelled',
  'OrderFailed',
  'PaymentRefunded',
  'InventoryReleased',
  'ShipmentCancelled',
  'CompensationFailed',
] as const satisfies readonly EventName[];

/** `EUR 37.50` from minor units, with the currency's own number of decimals (JPY has none). */
export function formatMoney(money: { amount: number; currency: string }): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency: money.currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return `${money.currency} ${(money.amount / 10 ** digits).toFixed(digits)}`;
}

/** The message for an event, or undefined for events customers are not told about. */
export function renderNotification(event: ParsedEvent): RenderedMessage | undefined {
  const order = `order ${event.envelope.data.orderId}`;
  switch (event.name) {
    case 'OrderCreated': {
      const total = event.envelope.data.total;
      return {
        title: 'We received your order',
        body: `Thank you! We received ${order}${total ? ` for ${formatMoney(total)}` : ''} and are processing it.`,
      };
    }
    case 'PaymentProcessed':
      return { title: 'Payment received', body: `We charged ${formatMoney(event.envelope.data.amount)} for ${order}.` };
    case 'OrderShipped': {
      const { carrier, trackingNumber } = event.envelope.data;
      return {
        title: 'Your order is on its way',
        body: `${capitalise(order)} shipped with ${carrier}, tracking number ${trackingNumber}.`,
      };
    }
    case 'PaymentFailed':
      return {
        title: 'Payment failed',
        body: `We could not charge your payment method for ${order}: ${event.envelope.data.reason.message}`,
      };
    case 'InventoryUpdateFailed':
      return {
        title: 'Items unavailable',
        body: `Some items of ${order} are not available: ${event.envelope.data.reason.message}`,
      };
    case 'OrderCancelled':
      return { title: 'Order cancelled', body: `${capitalise(order)} was cancelled.` };
    case 'OrderFailed':
      return {
        title: 'Order could not be completed',
        body: `We could not complete ${order}: ${event.envelope.data.reason.message}`,
      };
    case 'PaymentRefunded':
      return { title: 'Refund issued', body: `We refunded ${formatMoney(event.envelope.data.amount)} for ${order}.` };
    case 'InventoryReleased':
      return { title: 'Reservation released', body: `The items reserved for ${order} were released.` };
    case 'ShipmentCancelled':
      return { title: 'Shipment cancelled', body: `The shipment of ${order} was cancelled.` };
    case 'CompensationFailed':
      return {
        title: 'We are looking into your order',
        body: `Undoing ${order} needs our attention; our team will contact you. (${event.envelope.data.reason.message})`,
      };
    // Reminders are for operators (alerting reads them off the stream): the customer heard once, at CompensationFailed.
    case 'InventoryUpdated':
    case 'OrderCompleted':
    case 'CompensationReminder':
      return undefined;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
