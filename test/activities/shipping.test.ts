// Shipping activities against a real SQLite store: carriers, address rejection, idempotency, cancellation, and the events in its outbox.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createShippingActivities } from '../../src/activities/shipping/activities.js';
import { openShippingStore } from '../../src/activities/shipping/store.js';
import type { KyselyShippingStore } from '../../src/activities/shipping/store.js';
import { deterministicEventId } from '../../src/events/envelope.js';
import { outboxEvents } from '../support/outbox-events.js';
import type { CreateShipmentInput, OrderRefInput } from '../../src/shared/activity-contracts.js';
import { expectNonRetryable, runActivity, steppingClock } from './activity-env.js';
import type { StepOptions } from './activity-env.js';

let store: KyselyShippingStore;
let activities: ReturnType<typeof createShippingActivities>;
/** The events the activities wrote to the store's outbox (what its relay publishes). */
const outbox = () => outboxEvents([store]);

beforeEach(async () => {
  store = await openShippingStore({ filename: ':memory:' });
  activities = createShippingActivities({ store, clock: steppingClock() });
});
afterEach(async () => {
  await store.close();
});

const shipmentInput = (country: string, orderId = 'o-1'): CreateShipmentInput => ({
  orderId,
  address: { name: 'Ada Lovelace', line1: 'Keizersgracht 1', city: 'Amsterdam', postalCode: '1015 CJ', country },
  lines: [
    {
      sku: 'SKU-MUG',
      name: 'Ceramic coffee mug',
      quantity: 2,
      unitPrice: { amount: 1_250, currency: 'EUR' },
      lineTotal: { amount: 2_500, currency: 'EUR' },
    },
    {
      sku: 'SKU-TSHIRT',
      name: 'Organic cotton T-shirt',
      quantity: 1,
      unitPrice: { amount: 1_999, currency: 'EUR' },
      lineTotal: { amount: 1_999, currency: 'EUR' },
    },
  ],
});
const create = (input: CreateShipmentInput, options: StepOptions = {}) =>
  runActivity(
    'createShipment',
    (i: CreateShipmentInput) => activities.createShipment(i),
    { workflowId: `order-${input.orderId}`, ...options },
    input,
  );
const cancel = (orderId = 'o-1', options: StepOptions = {}) =>
  runActivity(
    'cancelShipment',
    (i: OrderRefInput) => activities.cancelShipment(i),
    { workflowId: `order-${orderId}`, ...options },
    { orderId },
  );

describe('createShipment', () => {
  it.each([
    ['NL', 'PostNL', '3S'],
    ['DE', 'DHL', 'JJD'],
    ['BE', 'bpost', 'BP'],
    ['FR', 'Colissimo', '6A'],
    ['GB', 'Royal Mail', 'RM'],
    ['US', 'UPS', '1Z'],
  ])('ships to %s with %s', async (country, carrier, prefix) => {
    const result = await create(shipmentInput(country));
    expect(result.carrier).toBe(carrier);
    expect(result.trackingNumber.startsWith(prefix)).toBe(true);
    expect(result.shipmentId).toMatch(/^shp_/);
  });

  it('stores the shipment and writes OrderShipped with it, with the workflow’s sequence', async () => {
    const { attempts, ...result } = await create({ ...shipmentInput('NL'), sequence: 4 });
    expect(attempts).toBe(1);
    const stored = await store.findShipmentByOrder('o-1');
    expect(stored).toMatchObject({ ...result, country: 'NL', itemCount: 3, status: 'created' });
    const [event] = (await outbox()).ofName('OrderShipped');
    expect(event).toMatchObject({
      id: deterministicEventId('order-o-1', 'createShipment', 'OrderShipped'),
      source: 'order-saga/shipping',
      subject: 'o-1',
      time: stored?.createdAt,
      ordersequence: 4,
      data: { orderId: 'o-1', ...result, country: 'NL', itemCount: 3 },
    });
  });

  it('is idempotent: a retry returns the same tracking number and writes no second event', async () => {
    const first = await create(shipmentInput('DE'));
    const second = await create(shipmentInput('DE'), { attempt: 2 });
    expect(second).toEqual({ ...first, attempts: 2 });
    expect((await outbox()).names).toEqual(['OrderShipped']);
  });

  it('accepts a lower-case country code', async () => {
    expect((await create(shipmentInput('nl'))).carrier).toBe('PostNL');
  });

  it('rejects an unserved country with non-retryable AddressRejected, storing and announcing nothing', async () => {
    const failure = await expectNonRetryable(create(shipmentInput('JP')), 'AddressRejected');
    expect(failure.message).toContain('JP');
    expect(failure.details).toEqual([
      { country: 'JP', servedCountries: ['NL', 'DE', 'BE', 'FR', 'GB', 'US'], attempts: 1 },
    ]);
    expect(await store.findShipmentByOrder('o-1')).toBeUndefined();
    expect((await outbox()).published).toHaveLength(0);
  });

  it('follows the configured list of served countries', async () => {
    const spain = createShippingActivities({ store, servedCountries: ['ES'] });
    const ship = (input: CreateShipmentInput) =>
      runActivity(
        'createShipment',
        (i: CreateShipmentInput) => spain.createShipment(i),
        { workflowId: `order-${input.orderId}` },
        input,
      );
    expect((await ship(shipmentInput('ES'))).carrier).toBe('DHL Express');
    await expectNonRetryable(ship(shipmentInput('NL', 'o-2')), 'AddressRejected');
  });
});

describe('cancelShipment', () => {
  it('is a no-op when nothing was shipped', async () => {
    expect(await cancel()).toEqual({ applied: false, attempts: 1 });
    expect((await outbox()).published).toHaveLength(0);
  });

  it('is a no-op after an address rejection', async () => {
    await expectNonRetryable(create(shipmentInput('JP')), 'AddressRejected');
    expect(await cancel()).toEqual({ applied: false, attempts: 1 });
  });

  it('cancels once, even when retried, and writes one ShipmentCancelled', async () => {
    const { attempts: _attempts, ...shipment } = await create(shipmentInput('FR'));
    expect(await cancel()).toEqual({ applied: true, attempts: 1 });
    expect(await cancel('o-1', { attempt: 2 })).toEqual({ applied: true, attempts: 2 });
    expect(await store.findShipmentByOrder('o-1')).toMatchObject({ status: 'cancelled' });
    const events = (await outbox()).ofName('ShipmentCancelled');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      id: deterministicEventId('order-o-1', 'cancelShipment', 'ShipmentCancelled'),
      data: { orderId: 'o-1', ...shipment },
    });
  });

  it('reports applied: false when another workflow already cancelled it', async () => {
    await create(shipmentInput('FR'));
    await cancel();
    expect(await cancel('o-1', { workflowId: 'order-o-1-other' })).toEqual({ applied: false, attempts: 1 });
  });
});
