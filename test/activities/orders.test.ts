// The order-event activity against a real SQLite orders store: validated envelopes with deterministic IDs, each fact recorded once with its outbox row.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOrderActivities } from '../../src/activities/orders/activities.js';
import { openOrderStore } from '../../src/activities/orders/store.js';
import type { KyselyOrderStore } from '../../src/activities/orders/store.js';
import { deterministicEventId } from '../../src/events/envelope.js';
import type { PublishOrderEventInput } from '../../src/shared/activity-contracts.js';
import { outboxEvents } from '../support/outbox-events.js';
import { expectNonRetryable, runActivity } from './activity-env.js';
import type { StepOptions } from './activity-env.js';

let store: KyselyOrderStore;
let activities: ReturnType<typeof createOrderActivities>;
let now = '2025-01-01T12:00:00.000Z';
const outbox = () => outboxEvents([store]);

beforeEach(async () => {
  store = await openOrderStore({ filename: ':memory:' });
  now = '2025-01-01T12:00:00.000Z';
  activities = createOrderActivities({ store, clock: () => new Date(now) });
});
afterEach(async () => {
  await store.close();
});

const publish = (input: PublishOrderEventInput, options: StepOptions = {}) =>
  runActivity('publishOrderEvent', (i: PublishOrderEventInput) => activities.publishOrderEvent(i), options, input);

const created: PublishOrderEventInput = {
  name: 'OrderCreated',
  step: 'created',
  orderId: 'o-1',
  customerId: 'c-1',
  status: 'PENDING',
  total: { amount: 1_250, currency: 'EUR' },
  lines: [
    {
      sku: 'SKU-MUG',
      name: 'Ceramic coffee mug',
      quantity: 1,
      unitPrice: { amount: 1_250, currency: 'EUR' },
      lineTotal: { amount: 1_250, currency: 'EUR' },
    },
  ],
};

describe('publishOrderEvent', () => {
  const deadline = '2025-01-02T12:00:00.000Z';
  const awaiting: PublishOrderEventInput = { ...created, status: 'AWAITING_APPROVAL', approvalDeadline: deadline };

  it('publishes OrderCreated at the version the producer setting names (EVENTS_ORDER_CREATED_VERSION)', async () => {
    activities = createOrderActivities({ store, clock: () => new Date(now), orderCreatedVersion: 1 });
    await publish(awaiting);
    activities = createOrderActivities({ store, clock: () => new Date(now), orderCreatedVersion: 2 });
    await publish({ ...awaiting, step: 'created-again' });
    const [v1, v2] = (await outbox()).published;
    // v1 has no approval deadline: its schema drops the field; v2 carries it, with the lines and total it requires.
    expect(v1).toMatchObject({ type: 'com.ordersaga.OrderCreated.v1', data: { total: created.total } });
    expect(v1?.data).not.toHaveProperty('approvalDeadline');
    expect(v2).toMatchObject({
      type: 'com.ordersaga.OrderCreated.v2',
      data: { total: created.total, lines: created.lines, approvalDeadline: deadline },
    });
  });

  it('publishes every other event at its current version whatever the OrderCreated setting says', async () => {
    activities = createOrderActivities({ store, clock: () => new Date(now), orderCreatedVersion: 2 });
    await publish({ ...created, name: 'OrderCompleted', step: 'completed', status: 'COMPLETED' });
    expect((await outbox()).published.map((e) => e.type)).toEqual(['com.ordersaga.OrderCompleted.v1']);
  });

  it('records the order event with an ID derived from workflow, step and name, and writes it to the outbox', async () => {
    await publish({ ...created, sequence: 1 });
    expect((await outbox()).published).toEqual([
      {
        specversion: '1.0',
        id: deterministicEventId('order-o-1', 'created', 'OrderCreated'),
        source: 'order-saga/orders',
        type: 'com.ordersaga.OrderCreated.v2',
        subject: 'o-1',
        time: '2025-01-01T12:00:00.000Z',
        datacontenttype: 'application/json',
        ordersequence: 1,
        data: { orderId: 'o-1', customerId: 'c-1', status: 'PENDING', total: created.total, lines: created.lines },
      },
    ]);
    expect(await store.factsOfOrder('o-1')).toEqual([
      {
        eventId: deterministicEventId('order-o-1', 'created', 'OrderCreated'),
        orderId: 'o-1',
        eventName: 'OrderCreated',
        step: 'created',
        status: 'PENDING',
        sequence: 1,
        recordedAt: '2025-01-01T12:00:00.000Z',
      },
    ]);
  });

  it('records a retried fact once, keeping its first time, and another step’s fact under another ID', async () => {
    const failed: PublishOrderEventInput = {
      name: 'CompensationFailed',
      step: 'compensation-1',
      orderId: 'o-1',
      customerId: 'c-1',
      status: 'COMPENSATION_FAILED',
      reason: { code: 'RefundRejected', message: 'refund refused' },
    };
    await publish(failed);
    now = '2025-01-01T12:05:00.000Z';
    await publish(failed, { attempt: 2 });
    // The relay published it and, a duplicate window later, pruned it: a retry still announces nothing again.
    await store.outbox.db.deleteFrom('outbox').execute();
    await publish(failed, { attempt: 3 });
    expect((await outbox()).published).toEqual([]);
    await publish({ ...failed, step: 'compensation-2' });
    const facts = await store.factsOfOrder('o-1');
    expect(facts.map((f) => [f.step, f.recordedAt])).toEqual([
      ['compensation-1', '2025-01-01T12:00:00.000Z'],
      ['compensation-2', '2025-01-01T12:05:00.000Z'],
    ]);
    expect(new Set(facts.map((f) => f.eventId)).size).toBe(2);
    expect((await outbox()).names).toEqual(['CompensationFailed']);
  });

  it('fails non-retryably with InvalidEvent when the payload does not fit the catalogue, recording nothing', async () => {
    const failure = await expectNonRetryable(
      publish({ name: 'OrderFailed', step: 'failed', orderId: 'o-1', customerId: 'c-1', status: 'FAILED' }),
      'InvalidEvent',
    );
    expect(failure.message).toContain('reason');
    expect((await outbox()).published).toHaveLength(0);
    expect(await store.factsOfOrder('o-1')).toEqual([]);
  });
});
