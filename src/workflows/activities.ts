// Proxies for every service's activities, each on its service's task queue, with timeouts and retries per kind of call.
import { proxyActivities } from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import type {
  InventoryActivities,
  OrderActivities,
  PaymentActivities,
  ShippingActivities,
} from '../shared/activity-contracts.js';
import { FailureTypes } from '../shared/failure-types.js';
import { TaskQueues } from '../shared/task-queues.js';
import type { TaskQueue } from '../shared/task-queues.js';

/**
 * Transient failures (a service restarting, a lock timeout) are retried with backoff; business refusals are
 * listed as non-retryable too, in case a service forgets to mark one so.
 */
const transientRetry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '1m',
  nonRetryableErrorTypes: Object.values(FailureTypes),
};

/**
 * Forward steps give up after `scheduleToCloseTimeout` (all attempts together), so an order whose service is
 * down fails and is compensated instead of hanging; each attempt is bounded by `startToCloseTimeout`.
 */
function forward(
  taskQueue: TaskQueue,
  startToCloseTimeout: Duration,
  scheduleToCloseTimeout: Duration,
): ActivityOptions {
  return { taskQueue, startToCloseTimeout, scheduleToCloseTimeout, retry: transientRetry };
}

/**
 * Undo actions, the post-shipment commit and event publishing must eventually happen: unlimited attempts with
 * backoff capped at five minutes, no overall deadline. Only a non-retryable error stops them.
 */
function mustHappen(taskQueue: TaskQueue): ActivityOptions {
  return {
    taskQueue,
    startToCloseTimeout: '30s',
    retry: { ...transientRetry, maximumInterval: '5m' },
  };
}

/**
 * Deadlines a run may take from its input (`OrderSagaSettings`) instead of the defaults below; a run whose input
 * has none (every run started before they existed) gets exactly the defaults, so its history replays unchanged.
 */
export interface StepDeadlines {
  /** Every forward step's `scheduleToCloseTimeout` (all its attempts together). */
  stepDeadline?: Duration;
  /** Every step's and compensation's `startToCloseTimeout` (one attempt). */
  attemptTimeout?: Duration;
}

/** The undo actions as the saga calls them, whatever options they were proxied with. */
export type Compensations = Pick<PaymentActivities, 'refundPayment'> &
  Pick<InventoryActivities, 'releaseInventory'> &
  Pick<ShippingActivities, 'cancelShipment'>;

/** Undo options for one service: `mustHappen`, with this run's attempt timeout when it has one. */
function undoOptions(taskQueue: TaskQueue, attemptTimeout: Duration | undefined): ActivityOptions {
  return {
    ...mustHappen(taskQueue),
    ...(attemptTimeout === undefined ? {} : { startToCloseTimeout: attemptTimeout }),
  };
}

/** The saga's activities with this run's deadlines. */
export function sagaActivities({ stepDeadline, attemptTimeout }: StepDeadlines = {}) {
  const step = (taskQueue: TaskQueue, startToClose: Duration, scheduleToClose: Duration) =>
    forward(taskQueue, attemptTimeout ?? startToClose, stepDeadline ?? scheduleToClose);
  const undo = (taskQueue: TaskQueue) => undoOptions(taskQueue, attemptTimeout);
  const { priceOrder, reserveInventory } = proxyActivities<InventoryActivities>(
    step(TaskQueues.inventory, '10s', '2m'),
  );
  const { chargePayment } = proxyActivities<PaymentActivities>(step(TaskQueues.payments, '30s', '5m'));
  const { createShipment } = proxyActivities<ShippingActivities>(step(TaskQueues.shipping, '30s', '5m'));
  const { releaseInventory, commitReservation } = proxyActivities<InventoryActivities>(undo(TaskQueues.inventory));
  const { refundPayment } = proxyActivities<PaymentActivities>(undo(TaskQueues.payments));
  const { cancelShipment } = proxyActivities<ShippingActivities>(undo(TaskQueues.shipping));
  const compensations: Compensations = { refundPayment, releaseInventory, cancelShipment };
  return {
    /** The saga's forward steps: each has a deadline, and a failure starts compensation. */
    steps: { priceOrder, chargePayment, reserveInventory, createShipment },
    /** Undo actions: a failure that survives the retries means an operator is needed. */
    compensations,
    /** After shipping there is no way back, so committing the reservation is retried like a compensation. */
    commitReservation,
  };
}

/**
 * The undo actions with a deadline: retried like `mustHappen` ones, but only for `escalateAfter` in all, after which
 * Temporal gives up (retry state TIMEOUT) and the saga parks the order for an operator instead of retrying unseen.
 */
export function escalatingCompensations(
  escalateAfter: Duration,
  { attemptTimeout }: StepDeadlines = {},
): Compensations {
  const within = (taskQueue: TaskQueue): ActivityOptions => ({
    ...undoOptions(taskQueue, attemptTimeout),
    scheduleToCloseTimeout: escalateAfter,
  });
  const { releaseInventory } = proxyActivities<InventoryActivities>(within(TaskQueues.inventory));
  const { refundPayment } = proxyActivities<PaymentActivities>(within(TaskQueues.payments));
  const { cancelShipment } = proxyActivities<ShippingActivities>(within(TaskQueues.shipping));
  return { refundPayment, releaseInventory, cancelShipment };
}

/** Order-level events, published whatever the run's deadlines. */
export const { publishOrderEvent } = proxyActivities<OrderActivities>(mustHappen(TaskQueues.orders));
