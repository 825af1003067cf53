// Orders for the scale tests: a mix whose outcome is known per order, placed over HTTP, and their outcomes and histories.
import type { ApiTokens } from '../../../bench/loadgen/tokens.js';
import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import type { PlaceOrderBody } from '../../../src/api/schemas/order.js';
import { orderWorkflowId } from '../../../src/shared/order.js';
import type { OrderState } from '../../../src/shared/order-state.js';
import type { OrderStatus } from '../../../src/shared/order-status.js';
import type { orderSaga } from '../../../src/workflows/order-saga.js';

const { EventType, PendingActivityState } = proto.temporal.api.enums.v1;

/**
 * What decides each order's fate: `ok` completes; `declined` fails at the charge (nothing to undo);
 * `soldout` fails at the reservation (refund); `unserved` ships to a country shipping does not serve
 * (release, then refund).
 */
export type OrderKind = 'ok' | 'declined' | 'soldout' | 'unserved';

export const expectedStatus: Record<OrderKind, OrderStatus> = {
  ok: 'COMPLETED',
  declined: 'FAILED',
  soldout: 'FAILED',
  unserved: 'FAILED',
};

/** Five in eight complete; the rest fail in each of the three ways, spread evenly through the run. */
export function mixedKinds(count: number): OrderKind[] {
  const cycle: OrderKind[] = ['ok', 'declined', 'ok', 'soldout', 'ok', 'unserved', 'ok', 'ok'];
  return Array.from({ length: count }, (_, i) => cycle[i % cycle.length] ?? 'ok');
}

export function orderBody(kind: OrderKind, i: number): PlaceOrderBody & { customerId: string } {
  const sku = kind === 'soldout' ? 'SKU-SOLDOUT' : i % 2 === 0 ? 'SKU-TSHIRT' : 'SKU-MUG';
  return {
    customerId: `cus-scale-${i % 7}`,
    items: [{ sku, quantity: 1 + (i % 2) }],
    payment: { token: kind === 'declined' ? 'tok_declined' : 'tok_ok' },
    shippingAddress: {
      name: `Customer ${i}`,
      line1: 'Damrak 1',
      city: kind === 'unserved' ? 'Tokyo' : 'Amsterdam',
      postalCode: '1012 LG',
      country: kind === 'unserved' ? 'JP' : 'NL',
    },
  };
}

export interface PlacedOrder {
  orderId: string;
  kind: OrderKind;
  body: PlaceOrderBody;
  /** 201 priced; 202 accepted but not priced within API_UPDATE_TIMEOUT_MS (a busy machine), placed all the same. */
  status: 201 | 202;
  /** The API that answered, and how many attempts it took (a refused connection goes to the next API). */
  answeredBy: string;
  attempts: number;
}

/**
 * POSTs one order per kind, `concurrency` at a time, round-robin over `apis`. Each order carries an
 * Idempotency-Key, so when an API refuses the connection or drops it (it is stopping) the order is sent again to
 * the next API and still placed once. Any answer other than 201 or 202 fails the run.
 */
export async function placeOrders(
  apis: () => readonly string[],
  kinds: readonly OrderKind[],
  {
    concurrency = 16,
    runId,
    tokens,
    onPlaced,
  }: {
    concurrency?: number;
    runId: string;
    /** Each order goes as its customer, with a token the cluster's APIs accept. */
    tokens: ApiTokens;
    onPlaced?: (order: PlacedOrder, done: number) => void;
  },
): Promise<PlacedOrder[]> {
  const placed: PlacedOrder[] = new Array<PlacedOrder>(kinds.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    for (let i = next++; i < kinds.length; i = next++) {
      const kind = kinds[i] ?? 'ok';
      const body = orderBody(kind, i);
      const key = `${runId}-${i}`;
      const token = await tokens.customer(body.customerId);
      for (let attempt = 1; ; attempt++) {
        const urls = apis();
        const url = urls[(i + attempt - 1) % urls.length];
        if (url === undefined) throw new Error('no API to send orders to');
        let res: Response;
        try {
          res = await fetch(`${url}/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'idempotency-key': key, authorization: `Bearer ${token}` },
            body: JSON.stringify(body),
          });
        } catch (error) {
          if (attempt >= 5) throw new Error(`order ${i}: no API answered after ${attempt} attempts`, { cause: error });
          continue;
        }
        const answer = (await res.json()) as { orderId: string };
        if (res.status !== 201 && res.status !== 202) {
          throw new Error(`order ${i} (${kind}) via ${url}: ${res.status} ${JSON.stringify(answer)}`);
        }
        const order: PlacedOrder = {
          orderId: answer.orderId,
          kind,
          body,
          status: res.status,
          answeredBy: url,
          attempts: attempt,
        };
        placed[i] = order;
        onPlaced?.(order, ++done);
        break;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return placed;
}

/** Waits for every order's workflow to finish and returns its final state (the workflow's result). */
export async function outcomes(client: Client, orders: readonly PlacedOrder[]): Promise<Map<string, OrderState>> {
  const states = await Promise.all(
    orders.map((o) => client.workflow.getHandle<typeof orderSaga>(orderWorkflowId(o.orderId)).result()),
  );
  return new Map(orders.map((o, i) => [o.orderId, states[i] as OrderState]));
}

/** One activity as the workflow history records it: who ran its last attempt, and why any earlier one failed. */
export interface ActivityRecord {
  orderId: string;
  activityType: string;
  taskQueue: string;
  /** The `identity` on ActivityTaskStarted: the worker that ran the recorded (last) attempt. */
  identity: string;
  attempt: number;
  /** An earlier attempt of this activity ended by a timeout (a retried attempt carries the last failure). */
  retriedAfterTimeout: boolean;
}

export interface OrderHistories {
  activities: ActivityRecord[];
  /** ActivityTaskTimedOut events: activities whose every attempt was spent and the last one timed out. */
  timedOut: number;
}

/**
 * Reads every order's workflow history. A started event is written once per activity, when it closes, for
 * its last attempt; an attempt lost to a timeout shows as a later attempt whose `lastFailure` is a timeout.
 */
export async function orderHistories(client: Client, orderIds: readonly string[]): Promise<OrderHistories> {
  const activities: ActivityRecord[] = [];
  let timedOut = 0;
  const histories = await Promise.all(
    orderIds.map(async (orderId) => ({
      orderId,
      history: await client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory(),
    })),
  );
  for (const { orderId, history } of histories) {
    const scheduled = new Map<string, { activityType: string; taskQueue: string }>();
    for (const event of history.events ?? []) {
      if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        const attrs = event.activityTaskScheduledEventAttributes;
        scheduled.set(String(event.eventId), {
          activityType: attrs?.activityType?.name ?? '?',
          taskQueue: attrs?.taskQueue?.name ?? '?',
        });
      } else if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        const attrs = event.activityTaskStartedEventAttributes;
        const of = scheduled.get(String(attrs?.scheduledEventId));
        activities.push({
          orderId,
          activityType: of?.activityType ?? '?',
          taskQueue: of?.taskQueue ?? '?',
          identity: attrs?.identity ?? '',
          attempt: attrs?.attempt ?? 0,
          retriedAfterTimeout: Boolean(attrs?.lastFailure?.timeoutFailureInfo),
        });
      } else if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT) {
        timedOut++;
      }
    }
  }
  return { activities, timedOut };
}

/** How many activities each worker identity ran on a task queue. */
export function countByIdentity(activities: readonly ActivityRecord[], taskQueue: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const a of activities) {
    if (a.taskQueue === taskQueue) counts.set(a.identity, (counts.get(a.identity) ?? 0) + 1);
  }
  return counts;
}

/** An activity attempt the server has handed to a worker that has not answered yet. */
export interface InFlightActivity {
  orderId: string;
  activityType: string;
  attempt: number;
}

/** The activities of these orders that are started right now on the worker with this identity. */
export async function startedOn(
  client: Client,
  orderIds: readonly string[],
  identity: string,
): Promise<InFlightActivity[]> {
  const descriptions = await Promise.all(
    orderIds.map(async (orderId) => ({
      orderId,
      description: await client.workflow.getHandle(orderWorkflowId(orderId)).describe(),
    })),
  );
  return descriptions.flatMap(({ orderId, description }) =>
    (description.raw.pendingActivities ?? [])
      .filter(
        (a) => a.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED && a.lastWorkerIdentity === identity,
      )
      .map((a) => ({ orderId, activityType: a.activityType?.name ?? '?', attempt: a.attempt ?? 0 })),
  );
}
