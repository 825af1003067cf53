// Customer messages and the order list's cursor: pure functions, no servers.
import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '../../src/events/envelope.js';
import { formatMoney, notifiedEvents, renderNotification } from '../../src/read-models/notifications/render.js';
import { decodeCursor, encodeCursor, InvalidCursorError } from '../../src/read-models/orders/cursor.js';
import { completedOrderEvents, failedOrderEvents } from '../events/nats/fixtures.js';

describe('renderNotification', () => {
  it('renders a message for each notified event and none for internal progress', () => {
    const all = [...completedOrderEvents('o-1', 'c-1'), ...failedOrderEvents('o-2', 'c-1')].map((e) =>
      parseEnvelope(e),
    );
    const rendered = all.map((e) => [e.name, renderNotification(e)?.title] as const);
    expect(rendered).toEqual([
      ['OrderCreated', 'We received your order'],
      ['PaymentProcessed', 'Payment received'],
      ['InventoryUpdated', undefined],
      ['OrderShipped', 'Your order is on its way'],
      ['OrderCompleted', undefined],
      ['OrderCreated', 'We received your order'],
      ['PaymentProcessed', 'Payment received'],
      ['InventoryUpdateFailed', 'Items unavailable'],
      ['PaymentRefunded', 'Refund issued'],
      ['OrderFailed', 'Order could not be completed'],
    ]);
    for (const [name, title] of rendered)
      expect(title !== undefined).toBe((notifiedEvents as readonly string[]).includes(name));
    expect(renderNotification(all[3]!)?.body).toBe('Order o-1 shipped with PostNL, tracking number TRK-o-1.');
  });

  it('tells a failure in the customer’s words for its code, never the recorded message', () => {
    const [created, payment] = completedOrderEvents('o-3', 'c-1');
    const declined = parseEnvelope({
      ...payment!,
      type: 'com.ordersaga.PaymentFailed.v1',
      data: {
        ...(payment!.data as object),
        reason: { code: 'PaymentDeclined', message: 'issuer 05: do not honour (acquirer ref 99812)' },
      },
    });
    expect(renderNotification(declined)?.body).toBe(
      'We could not charge your payment method for order o-3: The payment was declined.',
    );
    const parked = parseEnvelope({
      ...created!,
      type: 'com.ordersaga.CompensationFailed.v1',
      data: {
        orderId: 'o-3',
        customerId: 'c-1',
        status: 'COMPENSATION_FAILED',
        reason: {
          code: 'RefundRejected',
          message: 'refundPayment: provider rejected the refund; gateway 502 at 10.0.3.7',
        },
      },
    });
    expect(renderNotification(parked)?.body).not.toMatch(/provider|gateway|10\.0|refundPayment/);
    const failed = parseEnvelope({
      ...created!,
      type: 'com.ordersaga.OrderFailed.v1',
      data: {
        orderId: 'o-3',
        customerId: 'c-1',
        status: 'FAILED',
        reason: { code: 'STEP_TIMED_OUT', message: 'The step timed out (TIMEOUT_TYPE_SCHEDULE_TO_CLOSE)' },
      },
    });
    expect(renderNotification(failed)?.body).toBe('We could not complete order o-3: A service did not answer in time.');
  });

  it('formats minor units with the currency’s own decimals', () => {
    expect(formatMoney({ amount: 3_750, currency: 'EUR' })).toBe('EUR 37.50');
    expect(formatMoney({ amount: 1_200, currency: 'JPY' })).toBe('JPY 1200');
  });
});

describe('order list cursor', () => {
  it('round-trips and rejects anything else', () => {
    const cursor = { createdAt: '2026-01-01T10:00:00.000Z', orderId: 'o-1' };
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor);
    expect(() => decodeCursor('not-a-cursor')).toThrow(InvalidCursorError);
  });
});
