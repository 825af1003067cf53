// The workflow's message surface (updates and the state query), shared with the API so both sides agree on names.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../shared/actor.js';
import type { OrderState } from '../shared/order-state.js';

/**
 * Who sent the update. The API always sends the principal it authenticated, so the update's argument in the
 * workflow history is the audit record of who did what; updates sent from elsewhere (the `temporal` CLI, the
 * Web UI) may leave it out, and are then recorded without one.
 */
export interface ActorInput {
  actor?: Actor;
}

/** An operator's or customer's free-text reason, kept in the order's failure message; send `{}` for none. */
export interface ReasonInput extends ActorInput {
  reason?: string;
}

/** The order as the workflow sees it right now; answered from memory, so it is cheap to poll. */
export const getStateQuery = defineQuery<OrderState>('getState');

/**
 * Waits until pricing has finished and returns the priced order (or its failure), so the API can answer
 * `POST /orders` in one round trip with update-with-start instead of polling.
 */
export const confirmPlacementUpdate = defineUpdate<OrderState, [ActorInput]>('confirmPlacement');

/** Lets an order above the approval threshold proceed; answers once the payment outcome is known. */
export const approveUpdate = defineUpdate<OrderState, [ActorInput]>('approve');

/** Refuses an order above the approval threshold: it ends CANCELLED with APPROVAL_REJECTED. */
export const rejectUpdate = defineUpdate<OrderState, [ReasonInput]>('reject');

/**
 * Cancels an order that has not shipped yet and answers once its compensations have finished, so the
 * caller learns whether the money came back (CANCELLED) or an operator is needed (COMPENSATION_FAILED).
 */
export const cancelUpdate = defineUpdate<OrderState, [ReasonInput]>('cancel');

/** An operator's go-ahead to resume compensations after fixing what made one fail for good. */
export const retryCompensationsUpdate = defineUpdate<OrderState, [ActorInput]>('retryCompensations');
