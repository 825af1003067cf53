// A workflow reset to its first task (the Web UI's Reset) fails safely: after a compensation nothing ships, after a price change the order is priced as charged.
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import proto from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { orderWorkflowId } from '../../src/shared/order.js';
import type { OrderState } from '../../src/shared/order-state.js';
import { getStateQuery } from '../../src/workflows/definitions.js';
import type { orderSaga } from '../../src/workflows/order-saga.js';
import { createTestNamespace } from '../api/support/dev-namespace.js';
import { recordHistory } from '../support/histories.js';
import { eventNames, newOrder, startOrder } from '../support/order-workflows.js';
import { outboxEvents } from '../support/outbox-events.js';
import { eachStore, startSagaWorkers } from '../support/saga-harness.js';
import type { SagaWorkers } from '../support/saga-harness.js';
import { expectStockSettled, stockOf } from '../support/stock.js';
import { testDataConverter } from '../support/test-payload-keys.js';

const { EventType } = proto.temporal.api.enums.v1;

let connection: Connection;
let nativeConnection: NativeConnection;
let namespace: string;
let client: Client;
let workers: SagaWorkers;
/** What shipping serves; the test enables a country the way an operator would, between the two runs. */
const served = ['NL', 'DE'];

beforeAll(async () => {
  const address = inject('temporalAddress');
  connection = await Connection.connect({ address });
  nativeConnection = await NativeConnection.connect({ address });
  namespace = await createTestNamespace(connection, 'saga-reset');
  workers = await startSagaWorkers({ nativeConnection, namespace }, { servedCountries: () => served });
  client = new Client({ connection, namespace, dataConverter: testDataConverter });
});

afterAll(async () => {
  await workers?.stop();
  await nativeConnection?.close();
  await connection?.close();
});

/**
 * What `temporal workflow reset --type FirstWorkflowTask` (and the Web UI's Reset) does: a new run from the end of
 * the first workflow task, replaying the input and nothing else of the old run.
 */
async function resetToFirstWorkflowTask(workflowId: string, runId: string): Promise<string> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  const firstTask = history.events?.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED);
  if (!firstTask?.eventId) throw new Error(`no completed workflow task in ${workflowId}`);
  const { runId: newRunId } = await connection.workflowService.resetWorkflowExecution({
    namespace,
    workflowExecution: { workflowId, runId },
    reason: 'reset to the first workflow task after enabling the country',
    workflowTaskFinishEventId: firstTask.eventId,
    requestId: randomUUID(),
  });
  return newRunId;
}

function resultOf(workflowId: string, runId: string): Promise<OrderState> {
  return client.workflow.getHandle<typeof orderSaga>(workflowId, runId).result();
}

describe('orderSaga reset after its compensation', () => {
  it('ends the new run FAILED with StepAlreadyCompensated: nothing ships, the refund stands, stock is right', async () => {
    // Two pairs of sneakers to a country shipping does not serve yet: refused, released, refunded.
    const order = newOrder({
      items: [{ sku: 'SKU-SNEAKERS', quantity: 2 }],
      shippingAddress: { name: 'Kenji', line1: '1-1 Chiyoda', city: 'Tokyo', postalCode: '100-0001', country: 'JP' },
    });
    const before = await stockOf(workers.stores, 'SKU-SNEAKERS');
    const first = await startOrder(client, order);
    const failed = await first.result();
    expect(failed.failure?.code).toBe('AddressRejected');
    expect(failed.compensations.map((c) => [c.name, c.applied])).toEqual([
      ['releaseInventory', true],
      ['refundPayment', true],
    ]);
    const charge = await workers.stores.payments.findChargeByOrder(order.orderId);
    expect(charge).toMatchObject({ status: 'refunded' });

    served.push('JP');
    const workflowId = orderWorkflowId(order.orderId);
    const firstRunId = (await first.describe()).runId;
    const runId = await resetToFirstWorkflowTask(workflowId, firstRunId);
    expect(runId).not.toBe(firstRunId);
    const again = await resultOf(workflowId, runId);
    await recordHistory('reset-after-compensation', client.workflow.getHandle(workflowId, runId));

    expect(again.status).toBe('FAILED');
    expect(again.failure?.code).toBe('StepAlreadyCompensated');
    expect(again.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['priceOrder', 'succeeded'],
      ['chargePayment', 'failed'],
    ]);
    expect(again.compensations).toEqual([]);

    // No goods out, no money moved (the one charge is still the refunded one), the stock back where it was.
    expect(await workers.stores.shipping.findShipmentByOrder(order.orderId)).toBeUndefined();
    expect(await workers.stores.payments.findChargeByOrder(order.orderId)).toEqual(charge);
    const reservations = (await workers.stores.inventory.reservedUnits()).filter((u) => u.orderId === order.orderId);
    expect(reservations.map((u) => [u.status, u.sku, u.quantity])).toEqual([['released', 'SKU-SNEAKERS', 2]]);
    expect(await stockOf(workers.stores, 'SKU-SNEAKERS')).toEqual(before);
    await expectStockSettled(workers.stores);
    expect(await eventNames(workers, order.orderId)).not.toContain('OrderShipped');
    expect(workers.publisher.ofName('PaymentProcessed').filter((e) => e.subject === order.orderId)).toHaveLength(1);
  });

  it('replays a completed order as completed: every step finds its own row, nothing happens twice', async () => {
    const order = newOrder({ items: [{ sku: 'SKU-MUG', quantity: 1 }] });
    const first = await startOrder(client, order);
    expect((await first.result()).status).toBe('COMPLETED');
    const shipment = await workers.stores.shipping.findShipmentByOrder(order.orderId);
    const stock = await stockOf(workers.stores, 'SKU-MUG');

    const workflowId = orderWorkflowId(order.orderId);
    const runId = await resetToFirstWorkflowTask(workflowId, (await first.describe()).runId);
    const again = await resultOf(workflowId, runId);

    expect(again.status).toBe('COMPLETED');
    expect(again.steps.find((s) => s.name === 'createShipment')?.detail).toMatchObject({
      shipmentId: shipment?.shipmentId,
    });
    expect(await stockOf(workers.stores, 'SKU-MUG')).toEqual(stock);
    await expectStockSettled(workers.stores);
  });
});

describe('orderSaga reset after a price change', () => {
  it('prices the new run as the first run was: it pays the captured charge, ships, and strands no stock', async () => {
    // Stopped at INVENTORY_RESERVED: charged and reserved, its shipment not booked yet.
    const sku = 'SKU-HOODIE';
    const order = newOrder({ items: [{ sku, quantity: 1 }] });
    const before = await stockOf(workers.stores, sku);
    const shipmentHeld = workers.gates.hold('createShipment', order.orderId);
    const first = await startOrder(client, order);
    await shipmentHeld.reached;
    expect((await first.query(getStateQuery)).status).toBe('INVENTORY_RESERVED');
    const charge = await workers.stores.payments.findChargeByOrder(order.orderId);
    expect(charge).toMatchObject({ status: 'captured', amount: { amount: 4_999, currency: 'EUR' } });

    // The catalogue price changes, then an operator resets the order.
    await workers.stores.inventory.setUnitPrice(sku, 5_999, new Date().toISOString());
    try {
      const workflowId = orderWorkflowId(order.orderId);
      const resetAt = Date.now();
      const runId = await resetToFirstWorkflowTask(workflowId, (await first.describe()).runId);
      const again = await resultOf(workflowId, runId);

      expect(again.failure).toBeUndefined();
      expect(again.status).toBe('COMPLETED');
      expect(again.total).toEqual({ amount: 4_999, currency: 'EUR' });
      // Money: the one charge is the first run's, still captured, of the total the order shows.
      expect(await workers.stores.payments.findChargeByOrder(order.orderId)).toEqual(charge);
      // Stock: the first run's reservation was committed for the shipment, nothing is left reserved.
      const reservations = (await workers.stores.inventory.reservedUnits()).filter((u) => u.orderId === order.orderId);
      expect(reservations.map((u) => [u.status, u.sku, u.quantity])).toEqual([['committed', sku, 1]]);
      const after = await stockOf(workers.stores, sku);
      expect([after.available, after.shipped]).toEqual([before.available - 1, before.shipped + 1]);
      await expectStockSettled(workers.stores);

      // Each call is stamped with the workflow's clock: the new run's events rank above the old run's, although its
      // sequence started again at 1 (the read models order by both: src/events/order-sequence.ts).
      const events = await outboxEvents(eachStore(workers.stores), order.orderId);
      expect(events.names).toEqual([
        'OrderCreated',
        'PaymentProcessed',
        'InventoryUpdated',
        'OrderShipped',
        'OrderCompleted',
      ]);
      const timeOf = (name: string) => events.published[events.names.indexOf(name as never)]?.ordertime ?? 0;
      expect(timeOf('InventoryUpdated')).toBeLessThan(resetAt);
      expect(timeOf('OrderShipped')).toBeGreaterThanOrEqual(resetAt);
    } finally {
      // The first run's held call: its run is gone, and the call replays the new run's shipment under the same key.
      shipmentHeld.release();
      await workers.stores.inventory.setUnitPrice(sku, 4_999, new Date().toISOString());
    }
  });
});
