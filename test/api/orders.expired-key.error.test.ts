// An Idempotency-Key whose order Temporal no longer keeps (past the retention) is refused, for any body, and nothing starts or moves.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderReadModelPort } from '../../src/api/adapters/order-read-model.js';
import { JetStreamEventPublisher } from '../../src/events/nats/jetstream-publisher.js';
import { startOrderReadModelService } from '../../src/read-models/orders/subscription.js';
import type { OrderReadModelStore } from '../../src/read-models/orders/store.js';
import type { ReadModelService } from '../../src/read-models/service.js';
import { orderWorkflowId } from '../../src/shared/order.js';
import { tempDir } from '../events/consumer/support.js';
import type { TempDir } from '../events/consumer/support.js';
import { eventsLogger, startEventsServer, testSettings } from '../events/nats/fixtures.js';
import type { EventsServer } from '../events/nats/fixtures.js';
import { expectStockSettled } from '../support/stock.js';
import { waitFor } from '../support/wait-for.js';
import { expectErrorShape, jsonInit, orderBody } from './support/api-fixture.js';
import { ended, place, startSagaApi, waitForOrder } from './support/saga-api.js';
import type { SagaApi } from './support/saga-api.js';

let events: EventsServer;
let dir: TempDir;
let readModel: ReadModelService<OrderReadModelStore>;
let api: SagaApi;

beforeAll(async () => {
  // The real order read model, fed over JetStream by the saga's own events: what "the system knows the order" means.
  events = await startEventsServer();
  dir = await tempDir();
  readModel = await startOrderReadModelService({
    nc: events.nc,
    location: { filename: dir.file('order-read-model') },
    settings: testSettings,
    logger: eventsLogger,
  });
  const publishTo = new JetStreamEventPublisher(events.nc, { timeoutMs: 2_000 });
  api = await startSagaApi('api-expired-key', { orders: orderReadModelPort(readModel.store) }, { publishTo });
});

afterAll(async () => {
  await api?.stop();
  await readModel?.stop();
  await events?.stop();
  await dir?.remove();
});

/** What the namespace's retention does to a closed workflow, at once: Temporal forgets it. */
async function deleteWorkflow(orderId: string): Promise<void> {
  const workflowId = orderWorkflowId(orderId);
  await api.client.connection.workflowService.deleteWorkflowExecution({
    namespace: api.namespace,
    workflowExecution: { workflowId },
  });
  await waitFor(
    () =>
      api.client.workflow
        .getHandle(workflowId)
        .describe()
        .then(
          () => false,
          (error: unknown) => error instanceof WorkflowNotFoundError,
        ),
    // Deletion is a background task of the server's: on a busy machine it takes a while.
    { timeoutMs: 90_000, intervalMs: 250, what: `Temporal to forget ${workflowId}` },
  );
}

describe('an Idempotency-Key past the retention', () => {
  it(
    'is refused with IDEMPOTENCY_KEY_EXPIRED for a new body and for the same one, starting nothing',
    { timeout: 180_000 },
    async () => {
      const key = randomUUID();
      const body = orderBody();
      const first = await place(api, body, key);
      expect(first.res.status).toBe(201);
      const { orderId } = first.body;
      await waitForOrder(api, orderId, ended);
      await waitFor(async () => (await readModel.store.getOrder(orderId))?.status === 'COMPLETED', {
        what: 'the read model to know the order',
      });
      await deleteWorkflow(orderId);
      const { payments, inventory, shipping } = api.workers.stores;
      const facts = async () => ({
        charge: await payments.findChargeByOrder(orderId),
        shipment: await shipping.findShipmentByOrder(orderId),
        stock: await inventory.stockLevels(),
      });
      const before = await facts();

      const bodies = [orderBody({ items: [{ sku: 'SKU-HOODIE', quantity: 1 }] }), body];
      for (const again of bodies) {
        const res = await api.app.request('/orders', jsonInit(again, { 'Idempotency-Key': key }));
        const error = await expectErrorShape(res, 422, 'IDEMPOTENCY_KEY_EXPIRED');
        expect(error.details).toEqual({ orderId });
        expect(error.message).toMatch(/use a new key/);
      }

      // Nothing started and nothing moved; the order's facts are the completed order's.
      await expect(api.client.workflow.getHandle(orderWorkflowId(orderId)).describe()).rejects.toBeInstanceOf(
        WorkflowNotFoundError,
      );
      expect(await facts()).toEqual(before);
      expect(before.charge).toMatchObject({ status: 'captured', amount: { amount: 2 * 1_999 } });
      await expectStockSettled(api.workers.stores);

      // The key's order stays readable from the read model; a new key places a new order.
      expect((await api.app.request(`/orders/${orderId}`)).status).toBe(200);
      expect((await place(api, bodies[0], randomUUID())).res.status).toBe(201);
    },
  );

  it('is still a new order when the system has never seen its order', async () => {
    const fresh = await place(api, orderBody(), randomUUID());
    expect(fresh.res.status).toBe(201);
  });
});
