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
