// Runs the order saga end to end in-process: real SQLite stores with their outboxes and relays, the real activities, one worker per task queue.
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { NativeConnection, WorkerOptions } from '@temporalio/worker';
import type { CatalogueItem } from '../../src/activities/inventory/catalogue.js';
import { createInventoryActivities } from '../../src/activities/inventory/activities.js';
import { openInventoryStore } from '../../src/activities/inventory/store.js';
import type { KyselyInventoryStore } from '../../src/activities/inventory/store.js';
import { createOrderActivities } from '../../src/activities/orders/activities.js';
import { openOrderStore } from '../../src/activities/orders/store.js';
import type { KyselyOrderStore } from '../../src/activities/orders/store.js';
import { createPaymentActivities } from '../../src/activities/payments/activities.js';
import { openPaymentStore } from '../../src/activities/payments/store.js';
import type { KyselyPaymentStore } from '../../src/activities/payments/store.js';
import { createShippingActivities } from '../../src/activities/shipping/activities.js';
import { openShippingStore } from '../../src/activities/shipping/store.js';
import type { KyselyShippingStore } from '../../src/activities/shipping/store.js';
import { OutboxRelay } from '../../src/events/outbox/relay.js';
import type { RelaySettings } from '../../src/events/outbox/relay.js';
import type { EventPublisher } from '../../src/events/publisher.js';
import type { CreateShipmentInput, OrderRefInput, ShippingActivities } from '../../src/shared/activity-contracts.js';
import { MemoryEventPublisher } from './memory-event-publisher.js';
import { TaskQueues } from '../../src/shared/task-queues.js';
import { ActivityGates } from './activity-gates.js';
import { testLogger } from './logger.js';
import { registerOrderSearchAttributes } from './search-attributes.js';
import { testDataConverter } from './test-payload-keys.js';
import { workflowInterceptorModules, workflowTracingSinks } from '../../src/tracing/temporal.js';
import { processTracing } from '../../src/tracing/tracing.js';

/** What the orders worker bundles; the SDK's bundler compiles the TypeScript itself. */
export const workflowsPath = fileURLToPath(new URL('../../src/workflows/index.ts', import.meta.url));

export interface SagaStores {
  orders: KyselyOrderStore;
  payments: KyselyPaymentStore;
  inventory: KyselyInventoryStore;
  shipping: KyselyShippingStore;
}

/** The four stores as a list, for what applies to each (their outboxes, closing them). */
export function eachStore(stores: SagaStores): SagaStores[keyof SagaStores][] {
  return [stores.orders, stores.payments, stores.inventory, stores.shipping];
}

export interface SagaHarness {
  env: TestWorkflowEnvironment;
  stores: SagaStores;
  /**
   * Every event the four stores' relays published, in the order they published them (a relay that published a row
   * again included): each service's relay runs on its own, so this is not the saga's order. The events the
   * activities committed, in saga order, are in the stores' outboxes (`eventNames`, test/support/outbox-events.ts).
   */
  publisher: MemoryEventPublisher;
  /** The relay of each store, as each service's role runs one. */
  relays: Record<keyof SagaStores, OutboxRelay>;
  gates: ActivityGates;
  /** Stops the workers (after releasing any held gate), then the relays, and closes the stores. */
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
  /** Where the relays publish (a JetStream publisher, say) before `publisher` records it; by default nowhere else. */
  publishTo?: EventPublisher;
  /** The relays' settings, over fast defaults (50 ms polls and first retry, 1 s cap). */
  relay?: Partial<RelaySettings>;
  /** The orders worker's workflow code and Worker Deployment version, over the current source unversioned. */
  ordersWorker?: OrdersWorkerOptions;
}

/** What a test may choose about an orders worker: which workflow code, and which deployment version it polls as. */
export type OrdersWorkerOptions = Partial<Pick<WorkerOptions, 'workflowBundle' | 'workerDeploymentOptions'>>;

/**
 * An orders worker over the given store, as the orders role runs one: `startSagaWorkers` starts the first, and a
 * test starts another beside it (a second deployment version, a restart on other code).
 */
export function createOrdersWorker(
  target: SagaWorkerTarget,
  store: KyselyOrderStore,
  options: OrdersWorkerOptions = {},
  gates?: ActivityGates,
): Promise<Worker> {
  const activities = createOrderActivities({ store });
  return Worker.create({
    connection: target.nativeConnection,
    namespace: target.namespace,
    dataConverter: testDataConverter,
    taskQueue: TaskQueues.orders,
    // As the orders role bundles it: with the tracing interceptors (a prebuilt bundle brings its own or none).
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath, interceptors: { workflowModules: workflowInterceptorModules } }),
    sinks: workflowTracingSinks(processTracing()),
    ...(options.workerDeploymentOptions ? { workerDeploymentOptions: options.workerDeploymentOptions } : {}),
    activities: gates ? gates.wrap(activities) : activities,
  });
}

/** A relay that reacts within milliseconds, so tests wait for it only briefly. */
export const fastRelaySettings: RelaySettings = {
  pollIntervalMs: 50,
  batchSize: 100,
  retryInitialMs: 50,
  retryMaxMs: 1_000,
  claimMs: 5_000,
  pruneAfterMs: 120_000,
  backlogLogIntervalMs: 60_000,
};

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

/** The harness without a time-skipping environment: stores, relays, recorded events, gates, and `stop`. */
export type SagaWorkers = Omit<SagaHarness, 'env'> & {
  /**
   * Stops the orders worker (its in-flight workflow tasks finish, its cache goes with it) and starts another on the
   * same store with `options`, as a deployment restarts the orders role on new code: every run it picks up again is
   * replayed from its history.
   */
  restartOrders(options: OrdersWorkerOptions): Promise<void>;
};

/**
 * The same four workers and fresh in-memory stores as `startSagaHarness`, on any server and namespace
 * (the dev server, say). The search attributes must already exist in `namespace`. Task queues are the
 * production ones, so tests sharing a server isolate themselves with a namespace of their own.
 */
export async function startSagaWorkers(
  target: SagaWorkerTarget,
  options: SagaHarnessOptions = {},
): Promise<SagaWorkers> {
  const publisher = new MemoryEventPublisher();
  const [orders, payments, inventory, shipping] = await Promise.all([
    openOrderStore({ filename: ':memory:' }),
    openPaymentStore({ filename: ':memory:' }),
    openInventoryStore({ filename: ':memory:', ...(options.catalogue ? { catalogue: options.catalogue } : {}) }),
    openShippingStore({ filename: ':memory:' }),
  ]);
  const stores: SagaStores = { orders, payments, inventory, shipping };
  const publishTo = options.publishTo;
  const relayPublisher: EventPublisher = {
    async publish(message) {
      await publishTo?.publish(message);
      await publisher.publish(message);
    },
  };
  const logger = testLogger('saga-harness');
  const relayOf = (store: SagaStores[keyof SagaStores]) =>
    new OutboxRelay({
      outbox: store.outbox,
      publisher: () => Promise.resolve(relayPublisher),
      settings: { ...fastRelaySettings, ...options.relay },
      logger,
    }).start();
  const relays = {
    orders: relayOf(orders),
    payments: relayOf(payments),
    inventory: relayOf(inventory),
    shipping: relayOf(shipping),
  };
  const { servedCountries } = options;
  const shippingActivities = () =>
    createShippingActivities({ store: shipping, ...(servedCountries ? { servedCountries: servedCountries() } : {}) });
  const gates = new ActivityGates();
  // The suite's fixed keys: what these workers write is encrypted, so the histories tests record are too.
  const base = { connection: target.nativeConnection, namespace: target.namespace, dataConverter: testDataConverter };
  const workers = await Promise.all([
    createOrdersWorker(target, orders, options.ordersWorker, gates),
    Worker.create({
      ...base,
      taskQueue: TaskQueues.payments,
      activities: gates.wrap(createPaymentActivities({ store: payments })),
    }),
    Worker.create({
      ...base,
      taskQueue: TaskQueues.inventory,
      activities: gates.wrap(createInventoryActivities({ store: inventory })),
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
  const [, ...others] = workers;
  let ordersWorker = workers[0];

  return {
    stores,
    publisher,
    relays,
    gates,
    async restartOrders(options) {
      ordersWorker.shutdown();
      await running[0];
      ordersWorker = await createOrdersWorker(target, orders, options, gates);
      running[0] = ordersWorker.run();
    },
    async stop() {
      gates.releaseAll();
      for (const worker of [ordersWorker, ...others]) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.all(running);
      await Promise.all(Object.values(relays).map((relay) => relay.stop()));
      await Promise.all(eachStore(stores).map((store) => store.close()));
    },
  };
}
