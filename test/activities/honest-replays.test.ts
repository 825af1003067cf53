// A forward step replays its stored row only when that row still answers this very request: never once undone, never for other input.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInventoryActivities } from '../../src/activities/inventory/activities.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import type { KyselyInventoryStore } from '../../src/activities/inventory/store.js';
import { createPaymentActivities } from '../../src/activities/payments/activities.js';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import type { KyselyPaymentStore } from '../../src/activities/payments/store.js';
import { createShippingActivities } from '../../src/activities/shipping/activities.js';
import { openShippingStore } from '../../src/activities/shipping/store.js';
import type { KyselyShippingStore } from '../../src/activities/shipping/store.js';
import type {
  ChargePaymentInput,
  CreateShipmentInput,
  OrderRefInput,
  RefundPaymentInput,
  ReserveInventoryInput,
} from '../../src/shared/activity-contracts.js';
import { FailureTypes } from '../../src/shared/failure-types.js';
import type { PricedLine, ShippingAddress } from '../../src/shared/order.js';
import type { Outbox } from '../../src/events/outbox/outbox.js';
import { expectNonRetryable, runActivity, steppingClock } from './activity-env.js';
import type { StepOptions } from './activity-env.js';

const workflowId = 'order-o-1';
const { StepAlreadyCompensated, IdempotencyMismatch } = FailureTypes;

/** The IDs of the events a store has written to its outbox: what its relay would publish. */
let written: string[] = [];
const outboxIds = async (store: { outbox: Outbox }) => (await store.outbox.list()).map((e) => e.eventId);
beforeEach(() => {
  written = [];
});

describe('chargePayment', () => {
  let store: KyselyPaymentStore;
  beforeEach(async () => {
    store = await openPaymentStore({ filename: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  const activities = () => createPaymentActivities({ store, clock: steppingClock() });
  const input: ChargePaymentInput = {
    orderId: 'o-1',
    customerId: 'cus_1',
    token: 'tok_ok',
    amount: { amount: 2_500, currency: 'EUR' },
  };
  const charge = (i: ChargePaymentInput = input, options: StepOptions = {}) =>
    runActivity(
      'chargePayment',
      (x: ChargePaymentInput) => activities().chargePayment(x),
      { workflowId, ...options },
      i,
    );
  const refund = () =>
    runActivity(
      'refundPayment',
      (x: RefundPaymentInput) => activities().refundPayment(x),
      { workflowId },
      { orderId: 'o-1' },
    );

  it('refuses to replay a refunded charge as a success (a new run after a reset), and charges nothing', async () => {
    const first = await charge();
    expect(await refund()).toMatchObject({ applied: true });
    written = await outboxIds(store);

    const failure = await expectNonRetryable(charge(), StepAlreadyCompensated);
    expect(failure.details).toEqual([
      { idempotencyKey: 'order-o-1:chargePayment', orderId: 'o-1', undone: true, attempts: 1 },
    ]);
    expect(await store.findChargeByOrder('o-1')).toMatchObject({ paymentId: first.paymentId, status: 'refunded' });
    expect(await outboxIds(store)).toEqual(written);
  });

  it('refuses a stored charge of another amount or customer with IdempotencyMismatch, and replays the same one', async () => {
    const first = await charge();
    written = await outboxIds(store);

    const other = { ...input, amount: { amount: 3_000, currency: 'EUR' } };
    const failure = await expectNonRetryable(charge(other), IdempotencyMismatch);
    expect(failure.message).toMatch(/different amount/);
    expect(failure.details).toEqual([
      {
        idempotencyKey: 'order-o-1:chargePayment',
        orderId: 'o-1',
        differences: [
          {
            field: 'amount',
            stored: { amount: 2_500, currency: 'EUR' },
            requested: { amount: 3_000, currency: 'EUR' },
          },
        ],
        attempts: 1,
      },
    ]);
    await expectNonRetryable(charge({ ...input, amount: { amount: 2_500, currency: 'USD' } }), IdempotencyMismatch);
    await expectNonRetryable(charge({ ...input, customerId: 'cus_2' }), IdempotencyMismatch);
    expect(await outboxIds(store)).toEqual(written);

    // The same request (a new token is still the same charge) replays the stored one.
    expect(await charge({ ...input, token: 'tok_other' }, { attempt: 2 })).toMatchObject({
      paymentId: first.paymentId,
      attempts: 2,
    });
    expect(await store.findChargeByOrder('o-1')).toMatchObject({ amount: { amount: 2_500 }, status: 'captured' });
  });

  it('refuses a declined charge stored for another amount rather than replaying its decline', async () => {
    const declined = { ...input, token: 'tok_declined' };
    await expectNonRetryable(charge(declined), FailureTypes.PaymentDeclined);
    await expectNonRetryable(charge({ ...declined, amount: { amount: 1, currency: 'EUR' } }), IdempotencyMismatch);
    await expectNonRetryable(charge(declined, { attempt: 2 }), FailureTypes.PaymentDeclined);
  });
});

describe('reserveInventory', () => {
  let store: KyselyInventoryStore;
  beforeEach(async () => {
    store = await openInventoryStore({ filename: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  const activities = () => createInventoryActivities({ store, clock: steppingClock() });
  const lines = [
    { sku: 'SKU-TSHIRT', quantity: 2 },
    { sku: 'SKU-MUG', quantity: 1 },
  ];
  const reserve = (l: ReserveInventoryInput['lines'] = lines, options: StepOptions = {}) =>
    runActivity(
      'reserveInventory',
      (x: ReserveInventoryInput) => activities().reserveInventory(x),
      { workflowId, ...options },
      { orderId: 'o-1', lines: l },
    );
  const release = () =>
    runActivity(
      'releaseInventory',
      (x: OrderRefInput) => activities().releaseInventory(x),
      { workflowId },
      { orderId: 'o-1' },
    );

  it('refuses to replay a released reservation as a success, and reserves nothing', async () => {
    const before = await store.stockLevels();
    await reserve();
    expect(await release()).toMatchObject({ applied: true });
    written = await outboxIds(store);

    const failure = await expectNonRetryable(reserve(), StepAlreadyCompensated);
    expect(failure.details).toEqual([
      { idempotencyKey: 'order-o-1:reserveInventory', orderId: 'o-1', undone: true, attempts: 1 },
    ]);
    expect(await store.stockLevels()).toEqual(before);
    expect(await outboxIds(store)).toEqual(written);
  });

  it('refuses a stored reservation of other lines with IdempotencyMismatch; the same lines in any order replay', async () => {
    const first = await reserve();
    const held = await store.stockLevels();
    written = await outboxIds(store);

    const failure = await expectNonRetryable(reserve([{ sku: 'SKU-TSHIRT', quantity: 3 }]), IdempotencyMismatch);
    expect(failure.details?.[0]).toMatchObject({
      differences: [
        {
          field: 'lines',
          stored: [
            ['SKU-MUG', 1],
            ['SKU-TSHIRT', 2],
          ],
          requested: [['SKU-TSHIRT', 3]],
        },
      ],
    });
    expect(await store.stockLevels()).toEqual(held);
    expect(await outboxIds(store)).toEqual(written);

    const same = [
      { sku: 'SKU-MUG', quantity: 1 },
      { sku: 'SKU-TSHIRT', quantity: 1 },
      { sku: 'SKU-TSHIRT', quantity: 1 },
    ];
    expect(await reserve(same, { attempt: 2 })).toEqual({ reservationId: first.reservationId, attempts: 2 });
    expect(await store.stockLevels()).toEqual(held);
  });

  it('still replays a committed reservation: shipping it was not undoing it', async () => {
    const first = await reserve();
    await runActivity(
      'commitReservation',
      (x: OrderRefInput) => activities().commitReservation(x),
      { workflowId },
      { orderId: 'o-1' },
    );
    expect(await reserve(lines, { attempt: 2 })).toEqual({ reservationId: first.reservationId, attempts: 2 });
  });
});

describe('createShipment', () => {
  let store: KyselyShippingStore;
  beforeEach(async () => {
    store = await openShippingStore({ filename: ':memory:' });
  });
  afterEach(async () => {
    await store.close();
  });

  const activities = () => createShippingActivities({ store, clock: steppingClock() });
  const address: ShippingAddress = {
    name: 'Ada Lovelace',
    line1: 'Damrak 1',
    city: 'Amsterdam',
    postalCode: '1012 LG',
    country: 'NL',
  };
  const line = (quantity: number): PricedLine => ({
    sku: 'SKU-TSHIRT',
    name: 'T-shirt',
    quantity,
    unitPrice: { amount: 1_000, currency: 'EUR' },
    lineTotal: { amount: 1_000 * quantity, currency: 'EUR' },
  });
  const ship = (overrides: Partial<CreateShipmentInput> = {}, options: StepOptions = {}) =>
    runActivity(
      'createShipment',
      (x: CreateShipmentInput) => activities().createShipment(x),
      { workflowId, ...options },
      { orderId: 'o-1', address, lines: [line(2)], ...overrides },
    );
  const cancel = () =>
    runActivity(
      'cancelShipment',
      (x: OrderRefInput) => activities().cancelShipment(x),
      { workflowId },
      { orderId: 'o-1' },
    );

  it('refuses to replay a cancelled shipment as a success, and ships nothing', async () => {
    const first = await ship();
    expect(await cancel()).toMatchObject({ applied: true });
    written = await outboxIds(store);

    const failure = await expectNonRetryable(ship(), StepAlreadyCompensated);
    expect(failure.details).toEqual([
      { idempotencyKey: 'order-o-1:createShipment', orderId: 'o-1', undone: true, attempts: 1 },
    ]);
    expect(await store.listShipments()).toEqual([
      expect.objectContaining({ shipmentId: first.shipmentId, status: 'cancelled' }),
    ]);
    expect(await outboxIds(store)).toEqual(written);
  });

  it('refuses a stored shipment to another address or of other items with IdempotencyMismatch', async () => {
    const first = await ship();
    written = await outboxIds(store);

    const moved = await expectNonRetryable(ship({ address: { ...address, line1: 'Damrak 2' } }), IdempotencyMismatch);
    expect(moved.details?.[0]).toMatchObject({
      differences: [{ field: 'address', stored: address, requested: { ...address, line1: 'Damrak 2' } }],
    });
    await expectNonRetryable(ship({ lines: [line(3)] }), IdempotencyMismatch);
    expect(await outboxIds(store)).toEqual(written);

    // The country as the carrier reads it (trimmed, upper case) is the same destination.
    expect(await ship({ address: { ...address, country: ' nl ' } }, { attempt: 2 })).toMatchObject({
      shipmentId: first.shipmentId,
      attempts: 2,
    });
    expect(await store.listShipments()).toHaveLength(1);
  });
});
