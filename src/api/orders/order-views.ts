// Turns the workflow's OrderState and the read model's OrderSummary into the API's order answers, for whoever asks.
import { forCustomer } from '../../shared/customer-text.js';
import type { OrderState } from '../../shared/order-state.js';
import { isOperator } from '../auth/principal.js';
import type { Principal } from '../auth/principal.js';
import type { OrderSummary } from '../ports/order-read-model.js';
import { orderLinks } from './links.js';
import type { LinkConfig, OrderLinks } from './links.js';

export interface OrderView {
  orderId: string;
  customerId?: string;
  status: OrderState['status'];
  items: OrderState['lines'];
  total?: OrderState['total'];
  approvalDeadline?: string;
  shippingAddress?: Record<string, string>;
  steps?: OrderState['steps'];
  compensations?: OrderState['compensations'];
  failure?: OrderState['failure'];
  createdAt: string;
  updatedAt: string;
  source: 'workflow' | 'read-model';
  links: OrderLinks;
}

/**
 * Operators see every failure as recorded; customers see each failure's code with the customer's text for it
 * (src/shared/customer-text.ts), never a provider's error, an operator's note or a timeout's internals.
 */
export type Audience = 'operator' | 'customer';

export function audienceOf(principal: Principal): Audience {
  return isOperator(principal) ? 'operator' : 'customer';
}

/** A failure as `audience` may see it. */
export function failureFor<F extends { code: string; message: string }>(audience: Audience, failure: F): F {
  return audience === 'operator' ? failure : forCustomer(failure);
}

/** The order's failure and those of its steps and compensations, as `audience` may see them. */
function withFailuresFor<V extends Pick<OrderView, 'failure' | 'steps' | 'compensations'>>(
  audience: Audience,
  view: V,
): V {
  const { failure, steps, compensations } = view;
  const redact = <R extends { failure?: { code: string; message: string } }>(record: R): R =>
    record.failure === undefined ? record : { ...record, failure: failureFor(audience, record.failure) };
  return {
    ...view,
    ...(failure === undefined ? {} : { failure: failureFor(audience, failure) }),
    ...(steps === undefined ? {} : { steps: steps.map(redact) }),
    ...(compensations === undefined ? {} : { compensations: compensations.map(redact) }),
  };
}

/** The live order; `lines` is called `items` on the wire, matching what the customer submitted. */
export function viewOfState(config: LinkConfig, state: OrderState, audience: Audience): OrderView {
  const { lines, shippingAddress, orderId, ...rest } = state;
  return withFailuresFor(audience, {
    ...rest,
    orderId,
    items: lines,
    shippingAddress: { ...shippingAddress },
    source: 'workflow',
    links: orderLinks(config, orderId),
  });
}

/** An order of the list: what the read model knows, its `lines` called `items` as on the live order. */
export function summaryView(config: LinkConfig, summary: OrderSummary, audience: Audience) {
  const { lines, failure, ...rest } = summary;
  return {
    ...rest,
    ...(failure === undefined ? {} : { failure: failureFor(audience, failure) }),
    items: lines ?? [],
    links: orderLinks(config, summary.orderId),
  };
}

/** One order whose workflow is gone: the list's view of it, marked as coming from the read model. */
export function viewOfSummary(config: LinkConfig, summary: OrderSummary, audience: Audience): OrderView {
  const { links, ...view } = summaryView(config, summary, audience);
  return { ...view, source: 'read-model', links };
}
