// Installs the state query and the update handlers (with validators) that customers, the API and operators use.
import { CancellationScope, condition, setHandler } from '@temporalio/workflow';
import { actorProblem } from '../shared/actor.js';
import type { Actor } from '../shared/actor.js';
import type { OrderState } from '../shared/order-state.js';
import { isTerminal } from '../shared/order-status.js';
import { pricingFinished } from '../shared/saga-steps.js';
import type { OrderStatus } from '../shared/order-status.js';
import {
  approveUpdate,
  cancelUpdate,
  confirmPlacementUpdate,
  getStateQuery,
  rejectUpdate,
  retryCompensationsUpdate,
} from './definitions.js';
import type { OrderRecord } from './order-record.js';
import type { OrderRequests } from './order-requests.js';
import type { ActorInput, ReasonInput } from './definitions.js';

/** Statuses where the saga can still stop cleanly: nothing has left the warehouse. */
const cancellable: readonly OrderStatus[] = ['PENDING', 'AWAITING_APPROVAL', 'PAYMENT_CAPTURED', 'INVENTORY_RESERVED'];

/** Why an order in `status` cannot be cancelled, in words an API client can show. */
function cancelRefusal(orderId: string, status: OrderStatus): string {
  if (status === 'SHIPPED' || status === 'COMPLETED')
    return `Order ${orderId} has already shipped and can no longer be cancelled`;
  if (status === 'COMPENSATING' || status === 'COMPENSATION_FAILED') {
    return `Order ${orderId} is already being rolled back (${status})`;
  }
  return `Order ${orderId} has already ended (${status})`;
}

/**
 * Validators throw to reject an update before it is written to history, so a refused request leaves no
 * trace in the workflow and the caller gets the reason. Handlers only record the request and then wait for
 * the saga to act on it, so each update answers with the state its request led to.
 */
export function installHandlers(record: OrderRecord, requests: OrderRequests): void {
  const state = (): OrderState => record.view;
  const awaitingApproval = (_input?: ReasonInput): void => {
    if (record.status !== 'AWAITING_APPROVAL') {
      throw new Error(`Order ${record.view.orderId} is not awaiting approval (it is ${record.status})`);
    }
    if (requests.approval || requests.cancel) {
      throw new Error(`Order ${record.view.orderId} already has a decision pending`);
    }
  };

  setHandler(getStateQuery, state);

  setHandler(
    confirmPlacementUpdate,
    async () => {
      await waitUntil(() => pricingFinished(record.view));
      return state();
    },
    { validator: (input?: ActorInput) => checkActor(input, record, 'customer') },
  );

  setHandler(
    approveUpdate,
    async (input?: ActorInput) => {
      requests.approval = { approved: true, ...actorOf(input) };
      await waitUntil(() => record.status !== 'AWAITING_APPROVAL');
      return state();
    },
    {
      validator: (input?: ActorInput) => {
        checkActor(input, record, 'operator');
        awaitingApproval();
      },
    },
  );

  setHandler(
    rejectUpdate,
    // Typed optional: a client may send no argument at all, and a handler that throws fails the workflow task.
    async (input?: ReasonInput) => {
      requests.approval = {
        approved: false,
        ...(input?.reason === undefined ? {} : { reason: input.reason }),
        ...actorOf(input),
      };
      await waitUntil(() => record.status !== 'AWAITING_APPROVAL');
      return state();
    },
    {
      validator: (input?: ReasonInput) => {
        checkReason(input);
        checkActor(input, record, 'operator');
        awaitingApproval();
      },
    },
  );

  setHandler(
    cancelUpdate,
    async (input?: ReasonInput) => {
      requests.cancel ??= { ...(input?.reason === undefined ? {} : { reason: input.reason }), ...actorOf(input) };
      await waitUntil(() => isTerminal(record.status) || record.status === 'COMPENSATION_FAILED');
      return state();
    },
    {
      validator: (input?: ReasonInput) => {
        checkReason(input);
        checkActor(input, record, 'customer');
        if (!cancellable.includes(record.status)) throw new Error(cancelRefusal(record.view.orderId, record.status));
      },
    },
  );

  setHandler(
    retryCompensationsUpdate,
    async (input?: ActorInput) => {
      requests.retryCompensations = true;
      const { actor } = actorOf(input);
      if (actor) requests.retriedBy = actor;
      else delete requests.retriedBy;
      await waitUntil(() => !requests.retryCompensations && record.status !== 'COMPENSATING');
      return state();
    },
    {
      validator: (input?: ActorInput) => {
        checkActor(input, record, 'operator');
        if (record.status !== 'COMPENSATION_FAILED' || requests.retryCompensations) {
          throw new Error(`Order ${record.view.orderId} has no failed compensation to retry (it is ${record.status})`);
        }
      },
    },
  );
}

/** Handlers wait out a workflow cancellation too: the saga handles it, and the update still gets its answer. */
async function waitUntil(done: () => boolean): Promise<void> {
  await CancellationScope.nonCancellable(() => condition(done));
}

/** Longest operator reason kept; it travels in the order's failure message and its events. */
const maxReasonLength = 500;

/**
 * Update payloads come from anywhere a client can reach (API, Web UI, CLI): a bad one is refused by the
 * validator, before it can reach state or an event that would then fail to build.
 */
function checkReason(input: unknown): void {
  if (input === undefined || input === null) return;
  if (typeof input !== 'object') throw new Error('the update argument must be an object such as { "reason": "..." }');
  const { reason } = input as { reason?: unknown };
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > maxReasonLength)) {
    throw new Error(`reason must be a string of at most ${maxReasonLength} characters`);
  }
}

/** The actor of a validated update argument, as an object to spread (nothing when the sender named none). */
function actorOf(input: ActorInput | undefined): { actor?: Actor } {
  const actor = input?.actor;
  return actor === undefined ? {} : { actor: { kind: actor.kind, id: actor.id } };
}

/**
 * The API has already checked the principal; this refuses, before anything is written to history, an actor that
 * could not have made the request: a malformed one, a customer acting on an order that is not theirs, or a
 * customer where only an operator may act (`least: 'operator'`). An update without an actor was sent from outside
 * the API (the `temporal` CLI, the Web UI), where Temporal's own access control applies, and is accepted.
 */
function checkActor(input: ActorInput | undefined, record: OrderRecord, least: 'customer' | 'operator'): void {
  const actor: unknown = input?.actor;
  if (actor === undefined) return;
  const problem = actorProblem(actor);
  if (problem !== undefined) throw new Error(problem);
  const { kind, id } = actor as Actor;
  if (kind === 'operator') return;
  if (least === 'operator') throw new Error(`Only an operator may do this to order ${record.view.orderId}`);
  if (id !== record.view.customerId) throw new Error(`Order ${record.view.orderId} is not customer ${id}'s order`);
}
