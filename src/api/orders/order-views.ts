// Turns the workflow's OrderState and the read model's OrderSummary into the API's order answers.
import type { OrderState } from '../../shared/order-state.js';
import type { OrderSummary } from '../ports/order-read-model.js';
import { orderLinks } from './links.js';
import type { LinkConfig, OrderLinks } from './links.js';

export interface OrderView {
  orderId: string;
  customerId?: string;
  status: OrderState['status'];
  items: OrderState['lines'];
  total?: OrderState['total'];
  shippingAddress?: Record<string, string>;
  steps?: OrderState['steps'];
  compensations?: OrderState['compensations'];
  failure?: OrderState['failure'];
  createdAt: string;
  updatedAt: string;
  source: 'workflow' | 'read-model';
  links: OrderLinks;
}

/** The live order; `lines` is called `items` on the wire, matching what the customer submitted. */
export function viewOfState(config: LinkConfig, state: OrderState): OrderView {
  const { lines, shippingAddress, orderId, ...rest } = state;
  return {
    ...rest,
    orderId,
    items: lines,
    shippingAddress: { ...shippingAddress },
    source: 'workflow',
    links: orderLinks(config, orderId),
  };
}

/** An order of the list: what the read model knows, its `lines` called `items` as on the live order. */
export function summaryView(config: LinkConfig, summary: OrderSummary) {
  const { lines, ...rest } = summary;
  return { ...rest, items: lines ?? [], links: orderLinks(config, summary.orderId) };
}

/** One order whose workflow is gone: the list's view of it, marked as coming from the read model. */
export function viewOfSummary(config: LinkConfig, summary: OrderSummary): OrderView {
  const { links, ...view } = summaryView(config, summary);
  return { ...view, source: 'read-model', links };
}
