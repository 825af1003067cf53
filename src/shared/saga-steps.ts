// The saga's step table: each forward step, the compensation that undoes it, and the step that prices the order.
import type { CompensationName, OrderState, StepName, StepRecord } from './order-state.js';

/**
 * Each forward step's undo; pricing and the post-shipment commit have none. The workflow drops a step's undo
 * when the step was refused, and a compensation that finds nothing to undo takes its forward step's key, so
 * both directions are read from this one table.
 */
export const sagaSteps: { readonly [S in StepName]: { readonly undo?: CompensationName } } = {
  priceOrder: {},
  chargePayment: { undo: 'refundPayment' },
  reserveInventory: { undo: 'releaseInventory' },
  createShipment: { undo: 'cancelShipment' },
  commitReservation: {},
};

/** The step that prices the order: placement (the API's 201) waits for it, and its refusals are the customer's. */
export const pricingStep = 'priceOrder' satisfies StepName;

/** The compensation registered for `step`, if it has one. */
export function undoOf(step: StepName): CompensationName | undefined {
  return sagaSteps[step].undo;
}

/** The forward step whose effect `compensation` undoes. */
export function stepUndoneBy(compensation: CompensationName): StepName {
  for (const [step, { undo }] of Object.entries(sagaSteps)) {
    if (undo === compensation) return step as StepName;
  }
  // Unreachable while every CompensationName appears in the table above.
  throw new Error(`no saga step is undone by ${compensation}`);
}

/** The order's pricing step record, once pricing has started. */
export function pricingOf(order: OrderState): StepRecord | undefined {
  return order.steps.find((s) => s.name === pricingStep);
}

/**
 * Pricing is over once its step has an outcome, or once the order has moved on (or ended) for any reason. The
 * workflow's `confirmPlacement` handler waits for this; the API checks it on a queried state when it replays a
 * placement.
 */
export function pricingFinished(order: OrderState): boolean {
  const pricing = pricingOf(order);
  return order.status !== 'PENDING' || (pricing !== undefined && pricing.outcome !== 'running');
}
