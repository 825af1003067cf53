// One order action (cancel, approve, reject, retry compensations) for a principal: the code the API's action routes and the console share.
import type { Principal } from '../auth/principal.js';
import { actorOf, isOperator } from '../auth/principal.js';
import type { LinkConfig } from './links.js';
import { ApiError } from '../errors.js';
import { audienceOf, viewOfState } from './order-views.js';
import type { OrderView } from './order-views.js';
import type { OrderUpdate, OrderWorkflows } from './order-workflows.js';

/** What an action led to: 200 with the state it led to, or 202 with the state as it was when the API stopped waiting. */
export interface ActionResult {
  status: 200 | 202;
  view: OrderView;
}

/**
 * A customer's request is checked against the order's customer first; one on someone else's order answers as for
 * an order that does not exist. The update carries the acting principal, so the history records who asked, and its
 * validator refuses what the order's state does not allow (INVALID_STATE with the validator's reason).
 */
export async function runOrderAction(
  config: LinkConfig,
  workflows: OrderWorkflows,
  principal: Principal,
  orderId: string,
  update: OrderUpdate,
  reason?: string,
): Promise<ActionResult> {
  if (!isOperator(principal) && (await workflows.customerOf(orderId)) !== principal.subject) {
    throw new ApiError('NOT_FOUND', `Order ${orderId} does not exist`);
  }
  const input = { actor: actorOf(principal), ...(reason === undefined ? {} : { reason }) };
  const outcome = await workflows.update(orderId, update, input);
  const audience = audienceOf(principal);
  if (outcome.kind === 'done') return { status: 200, view: viewOfState(config, outcome.state, audience) };
  if (outcome.state === undefined) throw new ApiError('UNAVAILABLE', 'The order’s workflow did not answer in time');
  return { status: 202, view: viewOfState(config, outcome.state, audience) };
}
