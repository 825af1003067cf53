// The event catalogue: every event named, versioned, typed, and carrying the order ID.
import { describe, expect, it } from 'vitest';
import {
  eventCatalogue,
  eventNames,
  eventSource,
  eventSubject,
  eventType,
  eventVersions,
  isEventName,
} from '../../src/events/catalogue.js';

const expected = [
  'OrderCreated',
  'PaymentProcessed',
  'PaymentFailed',
  'InventoryUpdated',
  'InventoryUpdateFailed',
  'OrderShipped',
  'OrderCompleted',
  'OrderFailed',
  'OrderCancelled',
  'PaymentRefunded',
  'InventoryReleased',
  'ShipmentCancelled',
  'CompensationFailed',
  'CompensationReminder',
  // Who acted (the API's principal): published under the patch operator-actions-as-events.
  'OrderApproved',
  'CompensationsRetried',
];

describe('event catalogue', () => {
  it('holds exactly the domain events, all at version 1 but OrderCreated (v2, still reading v1)', () => {
    expect([...eventNames].sort()).toEqual([...expected].sort());
    for (const name of eventNames) {
      expect(
        eventVersions(name).map((v) => v.version),
        name,
      ).toEqual(name === 'OrderCreated' ? [1, 2] : [1]);
    }
    expect(eventType('OrderCreated')).toBe('com.ordersaga.OrderCreated.v2');
    expect(eventType('OrderCreated', 1)).toBe('com.ordersaga.OrderCreated.v1');
  });

  it('names types, sources and subjects consistently', () => {
    expect(eventType('PaymentProcessed')).toBe('com.ordersaga.PaymentProcessed.v1');
    expect(eventSource('PaymentProcessed')).toBe('order-saga/payments');
    expect(eventSource('InventoryReleased')).toBe('order-saga/inventory');
    expect(eventSource('OrderShipped')).toBe('order-saga/shipping');
    expect(eventSource('OrderCreated')).toBe('order-saga/orders');
    expect(eventSubject('o-1', 'OrderShipped')).toBe('orders.o-1.OrderShipped');
    expect(isEventName('OrderShipped')).toBe(true);
    expect(isEventName('toString')).toBe(false);
  });

  it.each(expected)('requires orderId in every %s payload', (name) => {
    if (!isEventName(name)) throw new Error(name);
    const result = eventCatalogue[name].schema.safeParse({});
    expect(result.success).toBe(false);
    expect(result.error?.issues.some((i) => i.path[0] === 'orderId')).toBe(true);
  });

  it('requires a CompensationReminder to say which reminder it is and since when the order is parked', () => {
    const reminder = {
      orderId: 'o-1',
      customerId: 'c-1',
      status: 'COMPENSATION_FAILED',
      reason: { code: 'COMPENSATION_ESCALATED', message: 'refundPayment: still failing' },
      reminder: 2,
      parkedAt: '2026-01-01T10:00:00.000Z',
    };
    const schema = eventCatalogue.CompensationReminder.schema;
    expect(schema.safeParse(reminder).success).toBe(true);
    const { reminder: _n, ...unnumbered } = reminder;
    expect(schema.safeParse(unnumbered).success).toBe(false);
    expect(schema.safeParse({ ...reminder, reminder: 0 }).success).toBe(false);
    expect(schema.safeParse({ ...reminder, parkedAt: 'yesterday' }).success).toBe(false);
  });

  it('refuses order IDs that would break the NATS subject', () => {
    const data = { orderId: 'o.1', customerId: 'c-1', status: 'PENDING' };
    expect(eventCatalogue.OrderCompleted.schema.safeParse(data).success).toBe(false);
    expect(eventCatalogue.OrderCompleted.schema.safeParse({ ...data, orderId: 'o-1' }).success).toBe(true);
  });
});
