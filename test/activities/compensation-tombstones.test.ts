// A compensation that ran before its forward step (a stalled attempt outliving the step's deadline) leaves a tombstone, so the late step takes no effect.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forwardStepKey } from '../../src/activities/step-context.js';
import { createInventoryActivities } from '../../src/activities/inventory/activities.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import type { InventoryStore, KyselyInventoryStore } from '../../src/activities/inventory/store.js';
import { createPaymentActivities } from '../../src/activities/payments/activities.js';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import type { KyselyPaymentStore, PaymentStore } from '../../src/activities/payments/store.js';
import { createShippingActivities } from '../../src/activities/shipping/activities.js';
import { openShippingStore } from '../../src/activities/shipping/store.js';
import type { KyselyShippingStore, ShippingStore } from '../../src/activities/shipping/store.js';
import { outboxEvents } from '../support/outbox-events.js';
import type {
  ChargePaymentInput,
  CreateShipmentInput,
  OrderRefInput,
  ReserveInventoryInput,
} from '../../src/shared/activity-contracts.js';
import { FailureTypes } from '../../src/shared/failure-types.js';
import { expectNonRetryable, runActivity, steppingClock } from './activity-env.js';
import type { StepOptions } from './activity-env.js';

const workflowId = 'order-o-1';
const late = FailureTypes.StepAlreadyCompensated;

/**
 * The store as a forward attempt that read before the tombstone was written sees it: its lookup by key finds
 * nothing, so the attempt goes on to the insert, which must meet the tombstone there.
 */
function staleLookups<S extends object>(store: S, lookup: keyof S & string): S {
  return Object.assign(Object.create(store) as S, { [lookup]: () => Promise.resolve(undefined) });
}

describe('forwardStepKey', () => {
  it('names the key of the step each compensation undoes, in the same workflow', () => {
    expect(forwardStepKey(workflowId, 'refundPayment')).toBe('order-o-1:chargePayment');
    expect(forwardStepKey(workflowId, 'releaseInventory')).toBe('order-o-1:reserveInventory');
    expect(forwardStepKey(workflowId, 'cancelShipment')).toBe('order-o-1:createShipment');
  });
});

describe('reserveInventory after releaseInventory found nothing', () => {
  let store: KyselyInventoryStore;
  beforeEach(async () => {
    store = await openInventoryStore({ filename: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  const activitiesOn = (s: InventoryStore) => createInventoryActivities({ store: s, clock: steppingClock() });
  const lines = [
    { sku: 'SKU-TSHIRT', quantity: 2 },
    { sku: 'SKU-MUG', quantity: 1 },
  ];
  const reserve = (s: InventoryStore, options: StepOptions = {}) =>
    runActivity(
      'reserveInventory',
      (i: ReserveInventoryInput) => activitiesOn(s).reserveInventory(i),
      { workflowId, ...options },
      { orderId: 'o-1', lines },
    );
  const release = (options: StepOptions = {}) =>
    runActivity(
      'releaseInventory',
      (i: OrderRefInput) => activitiesOn(store).releaseInventory(i),
      { workflowId, ...options },
      { orderId: 'o-1' },
    );

  it('reserves nothing, late or retried, and publishes nothing; stock is conserved', async () => {
    const before = await store.stockLevels();
    expect(await release()).toEqual({ applied: false, attempts: 1 });

    const failure = await expectNonRetryable(reserve(store, { attempt: 3 }), late);
    expect(failure.details).toEqual([{ idempotencyKey: 'order-o-1:reserveInventory', orderId: 'o-1', attempts: 3 }]);
    await expectNonRetryable(reserve(store, { attempt: 4 }), late);

    expect(await store.stockLevels()).toEqual(before);
    expect((await outboxEvents([store])).published).toEqual([]);
    expect(await store.findReservationByKey('order-o-1:reserveInventory')).toMatchObject({
      status: 'released',
      lines: [],
      tombstone: true,
    });
  });

  it('meets the tombstone at the insert when its lookup ran before the release', async () => {
    const before = await store.stockLevels();
    expect(await release()).toEqual({ applied: false, attempts: 1 });
    await expectNonRetryable(reserve(staleLookups<InventoryStore>(store, 'findReservationByKey')), late);
    expect(await store.stockLevels()).toEqual(before);
    expect((await outboxEvents([store])).published).toEqual([]);
  });

  it('keeps replaying a no-op for a retried release, never an InventoryReleased for the tombstone', async () => {
    expect(await release()).toEqual({ applied: false, attempts: 1 });
    expect(await release({ attempt: 2 })).toEqual({ applied: false, attempts: 2 });
    expect((await outboxEvents([store])).published).toEqual([]);
  });

  it('leaves other orders alone', async () => {
    expect(await release()).toEqual({ applied: false, attempts: 1 });
    const other = await runActivity(
      'reserveInventory',
      (i: ReserveInventoryInput) => activitiesOn(store).reserveInventory(i),
      { workflowId: 'order-o-2' },
      { orderId: 'o-2', lines },
    );
    expect(other.reservationId).toMatch(/^res_/);
    expect((await store.stockLevels()).find((l) => l.sku === 'SKU-TSHIRT')).toMatchObject({ reserved: 2 });
  });
});

describe('chargePayment after refundPayment found nothing', () => {
  let store: KyselyPaymentStore;
  beforeEach(async () => {
    store = await openPaymentStore({ filename: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  const activitiesOn = (s: PaymentStore) => createPaymentActivities({ store: s, clock: steppingClock() });
  const input: ChargePaymentInput = {
    orderId: 'o-1',
    customerId: 'c-1',
    token: 'tok_ok',
    amount: { amount: 4_998, currency: 'EUR' },
  };
  const charge = (s: PaymentStore, options: StepOptions = {}) =>
    runActivity(
      'chargePayment',
      (i: ChargePaymentInput) => activitiesOn(s).chargePayment(i),
      { workflowId, ...options },
      input,
    );
  const refund = (options: StepOptions = {}) =>
    runActivity(
      'refundPayment',
      (i: OrderRefInput) => activitiesOn(store).refundPayment(i),
      { workflowId, ...options },
      { orderId: 'o-1' },
    );

  it('charges nothing, late or retried, and publishes nothing', async () => {
    expect(await refund()).toEqual({ applied: false, attempts: 1 });

    await expectNonRetryable(charge(store, { attempt: 2 }), late);
    await expectNonRetryable(charge(store, { attempt: 3 }), late);

    expect((await outboxEvents([store])).published).toEqual([]);
    // The order has no charge; the tombstone holding the key moved no money.
    expect(await store.findChargeByOrder('o-1')).toBeUndefined();
    expect(await store.findChargeByKey('order-o-1:chargePayment')).toMatchObject({
      status: 'refunded',
      amount: { amount: 0 },
      tombstone: true,
    });
  });

  it('meets the tombstone at the insert when its lookup ran before the refund', async () => {
    expect(await refund()).toEqual({ applied: false, attempts: 1 });
    await expectNonRetryable(charge(staleLookups<PaymentStore>(store, 'findChargeByKey')), late);
    expect((await outboxEvents([store])).published).toEqual([]);
    expect(await store.findChargeByOrder('o-1')).toBeUndefined();
  });

  it('keeps replaying a no-op for a retried refund, never a PaymentRefunded for the tombstone', async () => {
    expect(await refund()).toEqual({ applied: false, attempts: 1 });
    expect(await refund({ attempt: 2 })).toEqual({ applied: false, attempts: 2 });
    expect((await outboxEvents([store])).published).toEqual([]);
    expect(await store.unblockRefund('o-1')).toBe(false);
  });
});

describe('createShipment after cancelShipment found nothing', () => {
  let store: KyselyShippingStore;
  beforeEach(async () => {
    store = await openShippingStore({ filename: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  const activitiesOn = (s: ShippingStore) => createShippingActivities({ store: s, clock: steppingClock() });
  const input: CreateShipmentInput = {
    orderId: 'o-1',
    address: {
      name: 'Ada Lovelace',
      line1: 'Keizersgracht 1',
      city: 'Amsterdam',
      postalCode: '1015 CJ',
      country: 'NL',
    },
    lines: [
      {
        sku: 'SKU-MUG',
        name: 'Ceramic coffee mug',
        quantity: 2,
        unitPrice: { amount: 1_250, currency: 'EUR' },
        lineTotal: { amount: 2_500, currency: 'EUR' },
      },
    ],
  };
  const create = (s: ShippingStore, options: StepOptions = {}) =>
    runActivity(
      'createShipment',
      (i: CreateShipmentInput) => activitiesOn(s).createShipment(i),
      { workflowId, ...options },
      input,
    );
  const cancel = (options: StepOptions = {}) =>
    runActivity(
      'cancelShipment',
      (i: OrderRefInput) => activitiesOn(store).cancelShipment(i),
      { workflowId, ...options },
      { orderId: 'o-1' },
    );

  it('ships nothing, late or retried, and publishes nothing', async () => {
    expect(await cancel()).toEqual({ applied: false, attempts: 1 });

    await expectNonRetryable(create(store, { attempt: 2 }), late);
    await expectNonRetryable(create(store, { attempt: 3 }), late);

    expect((await outboxEvents([store])).published).toEqual([]);
    expect(await store.findShipmentByOrder('o-1')).toBeUndefined();
    expect(await store.findShipmentByKey('order-o-1:createShipment')).toMatchObject({
      status: 'cancelled',
      itemCount: 0,
      tombstone: true,
    });
  });

  it('meets the tombstone at the insert when its lookup ran before the cancellation', async () => {
    expect(await cancel()).toEqual({ applied: false, attempts: 1 });
    await expectNonRetryable(create(staleLookups<ShippingStore>(store, 'findShipmentByKey')), late);
    expect((await outboxEvents([store])).published).toEqual([]);
    expect(await store.findShipmentByOrder('o-1')).toBeUndefined();
  });

  it('keeps replaying a no-op for a retried cancellation, never a ShipmentCancelled for the tombstone', async () => {
    expect(await cancel()).toEqual({ applied: false, attempts: 1 });
    expect(await cancel({ attempt: 2 })).toEqual({ applied: false, attempts: 2 });
    expect((await outboxEvents([store])).published).toEqual([]);
  });
});
