// The API's side of the order workflows: place with update-with-start, read live state, send updates.
import {
  ServiceError,
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { Client, WorkflowExecutionDescription } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { Actor } from '../../shared/actor.js';
import { orderWorkflowId } from '../../shared/order.js';
import type { PlaceOrderInput } from '../../shared/order.js';
import type { OrderState } from '../../shared/order-state.js';
import { pricingFinished } from '../../shared/saga-steps.js';
import { CustomerIdAttribute } from '../../shared/search-attributes.js';
import { confirmPlacementUpdate, getStateQuery } from '../../workflows/definitions.js';
import type { ActorInput, ReasonInput } from '../../workflows/definitions.js';
import type { OrderSagaInput, OrderSagaSettings } from '../../workflows/order-saga-input.js';
import { ApiError } from '../errors.js';

export interface OrderWorkflowsOptions {
  client: Client;
  taskQueue: string;
  settings: OrderSagaSettings;
  /** Bound on every update call (placement included); past it the API answers 202 with what it knows. */
  updateTimeoutMs: number;
  /** Bound on a query or describe; a closed workflow is queried by replaying it on a worker, which may be down. */
  queryTimeoutMs: number;
  /**
   * Whether the system knows the order from outside Temporal (the order read model): a keyed placement whose
   * workflow Temporal no longer has, for an order the system knows, is a key reused after the retention.
   */
  knownOrder: (orderId: string) => Promise<boolean>;
}

/** What placing an order led to. */
export type Placement =
  | { kind: 'placed'; state: OrderState; replayed: boolean }
  /** The workflow exists but did not confirm pricing in time (workers busy or down): 202, poll the order. */
  | { kind: 'pending'; replayed: boolean }
  | { kind: 'key-reused' }
  /** The key's order is known, but Temporal no longer has its workflow (past the retention): nothing to compare. */
  | { kind: 'key-expired' };

/** What an update led to: its answer, or (past the timeout) the state as it was when the API gave up waiting. */
export type UpdateOutcome = { kind: 'done'; state: OrderState } | { kind: 'accepted'; state: OrderState | undefined };

/** The order's updates: each takes who sends it; cancel and reject also an optional reason. */
export type OrderUpdate = UpdateDefinition<OrderState, [ReasonInput]> | UpdateDefinition<OrderState, [ActorInput]>;

/** The memo key holding the body fingerprint of an order placed with an Idempotency-Key. */
const fingerprintMemoKey = 'idempotencyFingerprint';

/**
 * Wraps the Temporal client for the routes. Every call is bounded by a deadline, and Temporal being
 * unreachable is UNAVAILABLE (503), so a stalled worker or server shows up as a 202 or a 503 rather than
 * a request hanging until the client gives up, or a 500.
 */
export class OrderWorkflows {
  constructor(private readonly options: OrderWorkflowsOptions) {}

  /**
   * Starts the order's workflow and waits (with the `confirmPlacement` update, in the same round trip) until
   * it has priced the order. With a fingerprint (an Idempotency-Key was sent), the workflow ID is derived
   * from the key, the conflict policy USE_EXISTING attaches a repeat to the running workflow instead of
   * starting another, REJECT_DUPLICATE stops a repeat after the workflow closed from starting a new one,
   * and the fingerprint in the memo tells a true repeat from a different body reusing the key. A repeat of a
   * keyed request that finds the workflow already there is answered from the `getState` query instead: each
   * update is written to the workflow's history (and Temporal caps updates per workflow), so a client retrying
   * in a loop must not grow it. Only requests that race the first one, and see no workflow yet, still attach
   * to it with update-with-start; USE_EXISTING keeps them to one order. A key whose workflow Temporal no longer
   * has, for an order the system knows, has expired: it is refused rather than starting the order again.
   */
  async place(order: PlaceOrderInput, actor: Actor, fingerprint?: string): Promise<Placement> {
    const workflowId = orderWorkflowId(order.orderId);
    if (fingerprint !== undefined) {
      const existing = await this.fingerprintOf(workflowId);
      if (existing !== undefined && existing !== fingerprint) return { kind: 'key-reused' };
      if (existing !== undefined) return this.replay(order.orderId);
      // REJECT_DUPLICATE guards a key only while Temporal keeps the closed workflow; past the retention a new body
      // would start a new run over the old order's rows, and the same body cannot be told from another any more.
      if (await this.options.knownOrder(order.orderId)) return { kind: 'key-expired' };
    }
    const input: OrderSagaInput = { order, settings: this.options.settings };
    const startWorkflowOperation = new WithStartWorkflowOperation('orderSaga', {
      workflowId,
      taskQueue: this.options.taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      // Set at start too (the workflow keeps it current), so whose order it is is known before any worker runs it.
      typedSearchAttributes: [{ key: CustomerIdAttribute, value: order.customerId }],
      ...(fingerprint === undefined ? {} : { memo: { [fingerprintMemoKey]: fingerprint } }),
    });
    let state: OrderState | undefined;
    try {
      state = await this.withDeadline(this.options.updateTimeoutMs, () =>
        this.options.client.workflow.executeUpdateWithStart(confirmPlacementUpdate, {
          startWorkflowOperation,
          args: [{ actor }],
        }),
      );
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        // Closed already (REJECT_DUPLICATE): only a keyed request that raced an earlier one past the check above.
        state = await this.state(order.orderId);
        if (state === undefined) throw unavailable('The order’s workflow could not be read', error);
      } else if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        if (!(await this.exists(workflowId))) throw unavailable('Temporal did not accept the order in time', error);
      } else throw asUnavailable(error);
    }
    if (fingerprint !== undefined) {
      // A concurrent request with the same key may have started the workflow a moment before this one.
      const stored = await this.fingerprintOf(workflowId);
      if (stored !== fingerprint) return { kind: 'key-reused' };
    }
    return state === undefined ? { kind: 'pending', replayed: false } : { kind: 'placed', state, replayed: false };
  }

  /**
   * Answers a repeated keyed placement from queries, which leave no trace in the workflow's history: the state
   * once pricing has finished (what `confirmPlacement` waits for), polled up to the update timeout, else 202.
   */
  private async replay(orderId: string): Promise<Placement> {
    const deadline = Date.now() + this.options.updateTimeoutMs;
    for (;;) {
      let state: OrderState | undefined;
      try {
        state = await this.state(orderId);
      } catch (error) {
        // The workflow exists (it was just described) but no worker answered the query: as for a slow update.
        if (error instanceof ApiError && error.code === 'UNAVAILABLE') return { kind: 'pending', replayed: true };
        throw error;
      }
      if (state === undefined) throw unavailable('The order’s workflow could not be read', undefined);
      if (pricingFinished(state)) return { kind: 'placed', state, replayed: true };
      if (Date.now() >= deadline) return { kind: 'pending', replayed: true };
      await new Promise((resolve) => setTimeout(resolve, replayPollMs));
    }
  }

  /** The live state from the `getState` query; `undefined` when Temporal has no such workflow (any more). */
  async state(orderId: string): Promise<OrderState | undefined> {
    const handle = this.options.client.workflow.getHandle(orderWorkflowId(orderId));
    try {
      return await this.withDeadline(this.options.queryTimeoutMs, () => handle.query(getStateQuery));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw asUnavailable(error);
    }
  }

  /**
   * Sends an update and returns its answer. The input names the actor, so the update's argument in the history
   * records who asked. A validator's refusal is INVALID_STATE with the validator's reason; an update to a
   * workflow that has closed is INVALID_STATE too (the order has ended), and one to a workflow Temporal does not
   * know is NOT_FOUND.
   */
  async update(orderId: string, definition: OrderUpdate, input: ReasonInput): Promise<UpdateOutcome> {
    const workflowId = orderWorkflowId(orderId);
    const handle = this.options.client.workflow.getHandle(workflowId);
    // Every update takes one object argument; approve and retryCompensations read only its `actor`.
    const send = () =>
      handle.executeUpdate(definition as UpdateDefinition<OrderState, [ReasonInput]>, { args: [input] });
    try {
      return { kind: 'done', state: await this.withDeadline(this.options.updateTimeoutMs, send) };
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        const reason = error.cause?.message ?? 'The order’s state does not allow this';
        throw new ApiError('INVALID_STATE', reason, undefined, { cause: error });
      }
      if (error instanceof WorkflowNotFoundError) throw await this.closedOrUnknown(orderId, error);
      if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
        return { kind: 'accepted', state: await this.state(orderId).catch(() => undefined) };
      }
      throw asUnavailable(error);
    }
  }

  /** True when Temporal has a workflow (running or closed) for this order. */
  async exists(workflowId: string): Promise<boolean> {
    try {
      await this.describe(workflowId);
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw asUnavailable(error);
    }
  }

  /** Temporal says "not found" both for an unknown workflow and for an update sent to a closed one. */
  private async closedOrUnknown(orderId: string, error: WorkflowNotFoundError): Promise<ApiError> {
    const state = await this.state(orderId).catch(() => undefined);
    if (state !== undefined || (await this.exists(orderWorkflowId(orderId)))) {
      const status = state === undefined ? '' : ` (${state.status})`;
      return new ApiError('INVALID_STATE', `Order ${orderId} has already ended${status}`, undefined, { cause: error });
    }
    return new ApiError('NOT_FOUND', `Order ${orderId} does not exist`);
  }

  /**
   * The order's customer as its workflow's `CustomerId` search attribute says (set before anything else the
   * workflow does, kept after it closes); undefined when Temporal has no such workflow. Needs no worker.
   */
  async customerOf(orderId: string): Promise<string | undefined> {
    try {
      const description = await this.describe(orderWorkflowId(orderId));
      return description.typedSearchAttributes.get(CustomerIdAttribute) ?? '';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw asUnavailable(error);
    }
  }

  /** The stored fingerprint; '' for a workflow placed without a key (no key matches it); undefined if none. */
  private async fingerprintOf(workflowId: string): Promise<string | undefined> {
    try {
      const stored = (await this.describe(workflowId)).memo?.[fingerprintMemoKey];
      return typeof stored === 'string' ? stored : '';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw asUnavailable(error);
    }
  }

  private describe(workflowId: string): Promise<WorkflowExecutionDescription> {
    const handle = this.options.client.workflow.getHandle(workflowId);
    return this.withDeadline(this.options.queryTimeoutMs, () => handle.describe());
  }

  private withDeadline<T>(ms: number, call: () => Promise<T>): Promise<T> {
    return this.options.client.withDeadline(Date.now() + ms, call);
  }
}

/** How often a replayed placement re-reads the state while the workflow is still pricing. */
const replayPollMs = 100;

function unavailable(message: string, cause: unknown): ApiError {
  return new ApiError('UNAVAILABLE', message, undefined, { cause });
}

/** Temporal's transport errors (unreachable, deadline exceeded) become a 503; anything else stays a bug. */
function asUnavailable(error: unknown): unknown {
  if (error instanceof ServiceError || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return unavailable('Temporal did not answer in time', error);
  }
  return error;
}
