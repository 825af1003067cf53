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
  /**
   * How long a compensation may keep failing with transient errors before the order is parked in
   * COMPENSATION_FAILED for an operator, as a Temporal duration. Absent (runs started before it existed): a
   * compensation retries without end, as it always did.
   */
  compensationEscalateAfter?: Duration;
  /**
   * How often a parked order (COMPENSATION_FAILED) sends a CompensationReminder event until an operator resolves it.
   * Absent (runs started before it existed): no reminders.
   */
  compensationReminderInterval?: Duration;
}

export interface OrderSagaInput {
  order: PlaceOrderInput;
  settings: OrderSagaSettings;
}

/** A day is long enough for an operator to see the order and short enough that stock is not held hostage. */
export const defaultApprovalTimeout = '24h';
