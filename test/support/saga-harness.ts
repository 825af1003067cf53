// Runs the order saga end to end in-process: real SQLite stores, the real activities, one worker per task queue.
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import type { CatalogueItem } from '../../src/activities/inventory/catalogue.js';
import { createInventoryActivities } from '../../src/activities/inventory/activities.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import type { KyselyInventoryStore } from '../../src/activities/inventory/store.js';
import { createOrderActivities } from '../../src/activities/orders/activities.js';
import { createPaymentActivities } from '../../src/activities/payments/activities.js';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import type { KyselyPaymentStore } from '../../src/activities/payments/store.js';
import { createShippingActivities } from '../../src/activities/shipping/activities.js';
import { openShippingStore } from '../../src/activities/shipping/store.js';
import type { KyselyShippingStore } from '../../src/activities/shipping/store.js';
import type { EventPublisher } from '../../src/events/publisher.js';
import type { CreateShipmentInput, OrderRefInput, ShippingActivities } from '../../src/shared/activity-contracts.js';
import { MemoryEventPublisher } from './memory-event-publisher.js';
import { TaskQueues } from '../../src/shared/task-queues.js';
import { ActivityGates } from './activity-gates.js';
import { registerOrderSearchAttributes } from './search-attributes.js';

/** What the orders worker bundles; the SDK's bundler compiles the TypeScript itself. */
export const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

export interface SagaStores {
  payments: KyselyPaymentStore;
  inventory: KyselyInventoryStore;
  shipping: KyselyShippingStore;
}

export interface SagaHarness {
  env: TestWorkflowEnvironment;
  stores: SagaStores;
  /** Every event the services and the order worker published, in order (retries included). */
  publisher: MemoryEventPublisher;
  gates: ActivityGates;
  /** Stops the workers (after releasing any held gate) and closes the stores. */
  stop(): Promise<void>;
}

export interface SagaHarnessOptions {
  /** Seeded into the inventory store; defaults to the demo catalogue. */
  catalogue?: readonly CatalogueItem[];
  /**
   * The countries shipping serves, read at every call, as if the shipping role were restarted with a new
   * SHIPPING_COUNTRIES whenever it changes; defaults to the service's own list.
   */
  servedCountries?: () => readonly string[];
  /** Where every event is published too, after it is recorded: a real JetStream publisher, for read models. */
  alsoPublishTo?: EventPublisher;
}

/**
 * Builds fresh in-memory stores, registers the search attributes, and starts four workers on the test
 * server (orders with the workflow and `publishOrderEvent`; payments, inventory and shipping with their
 * activities), the way production splits them. Create once per test file and share it between tests:
 * bundling the workflow and starting workers is the slow part.
 */
export async function startSagaHarness(
  env: TestWorkflowEnvironment,
  options: SagaHarnessOptions = {},
): Promise<SagaHarness> {
  await registerOrderSearchAttributes(env);
  const workers = await startSagaWorkers(
    { nativeConnection: env.nativeConnection, namespace: env.namespace ?? 'default' },
    options,
  );
  return { env, ...workers };
}

/** Any Temporal server the workers can poll: the time-skipping env's, or the suite's dev server. */
export interface SagaWorkerTarget {
  nativeConnection: NativeConnection;
  namespace: string;
}

/** The harness without a time-skipping environment: stores, recorded events, gates, and `stop`. */
export type SagaWorkers = Omit<SagaHarness, 'env'>;

/**
 * The same four workers and fresh in-memory stores as `startSagaHarness`, on any server and namespace
 * (the dev server, say). The search attributes must already exist in `namespace`. Task queues are the
 * production ones, so tests sharing a server isolate themselves with a namespace of their own.
 */
export async function startSagaWorkers(
  target: SagaWorkerTarget,
  options: SagaHarnessOptions = {},
): Promise<SagaWorkers> {
  const recorder = new MemoryEventPublisher();
  const { alsoPublishTo, servedCountries } = options;
  const publisher: EventPublisher = alsoPublishTo
    ? {
        async publish(event) {
          await recorder.publish(event);
          await alsoPublishTo.publish(event);
        },
      }
    : recorder;
  const shippingActivities = () =>
    createShippingActivities({
      store: shipping,
      publisher,
      ...(servedCountries ? { servedCountries: servedCountries() } : {}),
    });
  const [payments, inventory, shipping] = await Promise.all([
    openPaymentStore({ filename: ':memory:' }),
    openInventoryStore({ filename: ':memory:', ...(options.catalogue ? { catalogue: options.catalogue } : {}) }),
    openShippingStore({ filename: ':memory:' }),
  ]);
  const gates = new ActivityGates();
  const base = { connection: target.nativeConnection, namespace: target.namespace };
  const workers = await Promise.all([
    Worker.create({
      ...base,
      taskQueue: TaskQueues.orders,
      workflowsPath,
      activities: gates.wrap(createOrderActivities({ publisher })),
    }),
    Worker.create({
      ...base,
      taskQueue: TaskQueues.payments,
      activities: gates.wrap(createPaymentActivities({ store: payments, publisher })),
    }),
    Worker.create({
      ...base,
      taskQueue: TaskQueues.inventory,
      activities: gates.wrap(createInventoryActivities({ store: inventory, publisher })),
    }),
    Worker.create({
      ...base,
      taskQueue: TaskQueues.shipping,
      activities: gates.wrap({
        createShipment: (input: CreateShipmentInput) => shippingActivities().createShipment(input),
        cancelShipment: (input: OrderRefInput) => shippingActivities().cancelShipment(input),
      } satisfies ShippingActivities),
    }),
  ]);
  const running = workers.map((worker) => worker.run());

  return {
    stores: { payments, inventory, shipping },
    publisher: recorder,
    gates,
    async stop() {
      gates.releaseAll();
      for (const worker of workers) worker.shutdown();
      await Promise.all(running);
      await Promise.all([payments.close(), inventory.close(), shipping.close()]);
    },
  };
}
