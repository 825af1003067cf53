// Renders the customer-facing message for each event the notifications service reacts to.
import type { EventName } from '../../events/catalogue.js';
import type { ParsedEvent } from '../../events/envelope.js';
import { customerText } from '../../shared/customer-text.js';

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

/**
 * The message for an event, or undefined for events customers are not told about. A failure is told in the
 * customer's words for its code (src/shared/customer-text.ts), never the recorded message: that may be a payment
 * provider's error, an operator's note or a timeout's internals.
 */
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
        body: `We could not charge your payment method for ${order}: ${customerText(event.envelope.data.reason)}`,
      };
    case 'InventoryUpdateFailed':
      return {
        title: 'Items unavailable',
        body: `Some items of ${order} are not available: ${customerText(event.envelope.data.reason)}`,
      };
    case 'OrderCancelled':
      return { title: 'Order cancelled', body: `${capitalise(order)} was cancelled.` };
    case 'OrderFailed':
      return {
        title: 'Order could not be completed',
        body: `We could not complete ${order}: ${customerText(event.envelope.data.reason)}`,
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
        body: `Undoing ${order} needs our attention; our team will contact you.`,
      };
    // Reminders are for operators (alerting reads them off the stream): the customer heard once, at CompensationFailed.
    case 'InventoryUpdated':
    case 'OrderCompleted':
    case 'CompensationReminder':
    case 'OrderApproved':
    case 'CompensationsRetried':
      return undefined;
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
