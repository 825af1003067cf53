// The saga's undo actions as an order's settings call them: retried without end, or escalated to an operator after a window.
import { patched } from '@temporalio/workflow';
import { escalatingCompensations } from './activities.js';
import type { Compensations } from './activities.js';
import type { OrderSagaSettings } from './order-saga-input.js';

/**
 * The patch (`patched()`, docs/versioning.md) under which a compensation is scheduled with a schedule-to-close
 * deadline of `compensationEscalateAfter`. Runs that replay a history recorded before it, and runs whose input has no
 * window, schedule it without one, as before.
 */
export const escalationPatch = 'compensation-escalation';

/**
 * The undo actions for one run. The choice is made when each compensation is scheduled, so a run parked before the
 * patch existed and retried after it gets the window for the retried compensation: that part of its history is new.
 */
export function compensationsFor(settings: OrderSagaSettings, compensations: Compensations): Compensations {
  const window = settings.compensationEscalateAfter;
  let escalating: Compensations | undefined;
  const current = (): Compensations => {
    if (window === undefined || !patched(escalationPatch)) return compensations;
    return (escalating ??= escalatingCompensations(window, settings));
  };
  return {
    refundPayment: (input) => current().refundPayment(input),
    releaseInventory: (input) => current().releaseInventory(input),
    cancelShipment: (input) => current().cancelShipment(input),
  };
}
