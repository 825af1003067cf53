// The links an order answer carries: itself, its event stream, and its workflow in the Temporal Web UI.
import type { Config } from '../../config/env.js';
import { orderWorkflowId } from '../../shared/order.js';

export interface OrderLinks {
  self: string;
  events: string;
  temporalUi: string;
}

export type LinkConfig = Pick<Config, 'TEMPORAL_UI_URL' | 'TEMPORAL_NAMESPACE'>;

/** Operators jump from an API answer straight to the workflow's history, which is where a saga is debugged. */
export function orderLinks(config: LinkConfig, orderId: string): OrderLinks {
  const ui = config.TEMPORAL_UI_URL.replace(/\/+$/, '');
  const ns = encodeURIComponent(config.TEMPORAL_NAMESPACE);
  const id = encodeURIComponent(orderId);
  return {
    self: `/orders/${id}`,
    events: `/orders/${id}/events`,
    temporalUi: `${ui}/namespaces/${ns}/workflows/${encodeURIComponent(orderWorkflowId(orderId))}`,
  };
}
