// The orderSaga workflow: one durable run per order, taking payment, stock and shipment in turn and undoing them on failure.
import { CancellationScope, allHandlersFinished, condition, patched } from '@temporalio/workflow';
import ms from 'ms';
import type { StringValue } from 'ms';
import type { Actor } from '../shared/actor.js';
import type { OrderState } from '../shared/order-state.js';
import { sagaActivities } from './activities.js';
import { compensationsFor } from './compensations.js';
import { sequenced } from './event-sequence.js';
import type { FailureSummary } from './failures.js';
import { installHandlers } from './handlers.js';
import { actorEventsPatch, approvalDeadlinePatch, publishEvent } from './order-events.js';
import { OrderRecord } from './order-record.js';
import { noRequests } from './order-requests.js';
import type { OrderRequests } from './order-requests.js';
import { defaultApprovalTimeout } from './order-saga-input.js';
import type { OrderSagaInput } from './order-saga-input.js';
import { Saga } from './saga.js';
import { settle } from './settle.js';
import type { Stop } from './settle.js';
import { stepRunner } from './step-runner.js';

/** A Temporal duration in milliseconds: a number is one already, a string ('24h') is read as Temporal reads it. */
function durationMs(duration: number | string): number {
  return typeof duration === 'number' ? duration : ms(duration as StringValue);
}

/**
 * Runs one order from pricing to COMPLETED, or to FAILED / CANCELLED with everything it did undone.
 * Returns the final `OrderState`; the same state is available at any time through the `getState` query.
 */
export async function orderSaga({ order, settings }: OrderSagaInput): Promise<OrderState> {
  const activities = sagaActivities(settings);
  const { steps, commitReservation } = activities;
  const record = new OrderRecord(order);
  const saga = new Saga();
  const requests = noRequests();
  // Handlers first, before any await, so an update sent with update-with-start finds them.
  installHandlers(record, requests);

  const step = stepRunner(record, saga);
  const compensations = compensationsFor(settings, activities.compensations);
  const failed = ({ code, message }: FailureSummary): Stop => ({ kind: 'failed', code, message });

  async function forward(): Promise<Stop | undefined> {
    const { orderId } = order;
    const pricing = await step('priceOrder', () => steps.priceOrder({ orderId, items: order.items }));
    if (!pricing.ok) return failed(pricing.failure);
    const { lines, total } = pricing.value;
    record.priced({ lines, total });
    const needsApproval = total.amount > settings.approvalThreshold;
    // Moved before anything is awaited, so confirmPlacement (the API's 201) already answers AWAITING_APPROVAL.
    if (needsApproval) record.moveTo('AWAITING_APPROVAL');
    const timeout = settings.approvalTimeout ?? defaultApprovalTimeout;
    // Workflow time: the same on every replay. The deadline is announced, so the wait below ends exactly then.
    const deadline = needsApproval && patched(approvalDeadlinePatch) ? Date.now() + durationMs(timeout) : undefined;
    const approvalDeadline = deadline === undefined ? undefined : new Date(deadline).toISOString();
    // Workflow time again, so a run recorded before the patch shows the deadline its wait below keeps.
    if (needsApproval)
      record.awaitsApprovalUntil(approvalDeadline ?? new Date(Date.now() + durationMs(timeout)).toISOString());
    await publishEvent(record, 'OrderCreated', { approvalDeadline });
    if (requests.cancel) return cancelled(requests);

    if (needsApproval) {
      const wait = deadline === undefined ? timeout : Math.max(1, deadline - Date.now());
      const decided = await condition(() => requests.approval !== undefined || requests.cancel !== undefined, wait);
      if (requests.cancel) return cancelled(requests);
      if (!decided || !requests.approval) {
        return { kind: 'cancelled', code: 'APPROVAL_EXPIRED', message: `No approval decision within ${timeout}` };
      }
      const { approval } = requests;
      if (!approval.approved) {
        const message = approval.reason ?? 'Rejected by an operator';
        return { kind: 'cancelled', code: 'APPROVAL_REJECTED', message, ...withActor(approval.actor) };
      }
      // The approval is the operator's act on the record; a cancel that came in while it was published still wins.
      if (patched(actorEventsPatch)) {
        await publishEvent(record, 'OrderApproved', { actor: approval.actor });
        if (requests.cancel) return cancelled(requests);
      }
    }

    saga.add({ name: 'refundPayment', run: () => compensations.refundPayment(sequenced(record, { orderId })) });
    const payment = { orderId, customerId: order.customerId, token: order.payment.token, amount: total };
    const charge = await step(
      'chargePayment',
      () => steps.chargePayment(sequenced(record, payment)),
      (r) => ({ paymentId: r.paymentId }),
    );
    if (!charge.ok) return failed(charge.failure);
    record.moveTo('PAYMENT_CAPTURED');
    if (requests.cancel) return cancelled(requests);

    saga.add({ name: 'releaseInventory', run: () => compensations.releaseInventory(sequenced(record, { orderId })) });
    const stock = lines.map(({ sku, quantity }) => ({ sku, quantity }));
    const reservation = await step(
      'reserveInventory',
      () => steps.reserveInventory(sequenced(record, { orderId, lines: stock })),
      (r) => ({ reservationId: r.reservationId }),
    );
    if (!reservation.ok) return failed(reservation.failure);
    record.moveTo('INVENTORY_RESERVED');
    if (requests.cancel) return cancelled(requests);

    saga.add({ name: 'cancelShipment', run: () => compensations.cancelShipment(sequenced(record, { orderId })) });
    const shipment = await step(
      'createShipment',
      () => steps.createShipment(sequenced(record, { orderId, address: order.shippingAddress, lines })),
      ({ shipmentId, carrier, trackingNumber }) => ({ shipmentId, carrier, trackingNumber }),
    );
    if (!shipment.ok) return failed(shipment.failure);
    // A cancel accepted before the shipment existed is honoured: the shipment is cancelled with the rest.
    if (requests.cancel) return cancelled(requests);
    record.moveTo('SHIPPED');

    // Past the point of no return: commitReservation retries transient errors without limit, like a
    // compensation. A non-retryable error is a bug: failing the workflow task parks the run until a fix.
    const commit = await step('commitReservation', () => commitReservation({ orderId }));
    if (!commit.ok) throw new Error(`commitReservation failed for good: ${commit.failure.message}`);
    record.moveTo('COMPLETED');
    await publishEvent(record, 'OrderCompleted');
    return undefined;
  }

  // Cancelling the workflow itself (Web UI, CLI) is treated like the cancel update: noted, and acted on at the
  // saga's next safe point. Letting it interrupt a running activity instead would start that step's
  // compensation before the step finished, and a late success would then go uncompensated.
  CancellationScope.current().cancelRequested.catch(() => {
    requests.cancel ??= { reason: 'The order workflow was cancelled' };
  });
  // The run then completes normally, with the order CANCELLED, rather than as a cancelled execution.
  return CancellationScope.nonCancellable(async () => {
    const stop = await forward();
    if (stop) await settle(stop, record, saga, requests, settings);
    // Updates (cancel, approve...) answer once they see the final status; let them finish before returning.
    await condition(allHandlersFinished);
    return record.view;
  });
}

function cancelled(requests: OrderRequests): Stop {
  const message = requests.cancel?.reason ?? 'Cancelled at the customer’s request';
  return { kind: 'cancelled', code: 'CANCELLED', message, ...withActor(requests.cancel?.actor) };
}

function withActor(actor: Actor | undefined): { actor?: Actor } {
  return actor === undefined ? {} : { actor };
}
