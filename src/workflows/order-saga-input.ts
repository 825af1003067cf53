// The orderSaga workflow's input: the customer's order plus the settings the API reads from its config.
import type { Duration } from '@temporalio/common';
import type { PlaceOrderInput } from '../shared/order.js';
import type { StepDeadlines } from './activities.js';

/** Settings travel in the input because workflow code cannot read the environment (it must replay identically). */
export interface OrderSagaSettings extends StepDeadlines {
  /** Orders whose total is above this many minor units wait for an operator's approval before payment. */
  approvalThreshold: number;
  /**
   * How long an order may wait for approval before it is cancelled with APPROVAL_EXPIRED, as a Temporal
   * duration string ('24h', '90m').
   */
  approvalTimeout?: Duration;
}

export interface OrderSagaInput {
  order: PlaceOrderInput;
  settings: OrderSagaSettings;
}

/** A day is long enough for an operator to see the order and short enough that stock is not held hostage. */
export const defaultApprovalTimeout = '24h';
