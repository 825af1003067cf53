// The links an order answer carries: itself, its event stream, its workflow in the Temporal Web UI, and its trace.
import type { Config } from '../../config/env.js';
import { orderWorkflowId } from '../../shared/order.js';
import { processTracing } from '../../tracing/tracing.js';

export interface OrderLinks {
  self: string;
  events: string;
  temporalUi: string;
  trace?: string;
}

export type LinkConfig = Pick<Config, 'TEMPORAL_UI_URL' | 'TEMPORAL_NAMESPACE'> & Partial<Pick<Config, 'TRACE_UI_URL'>>;

/** The attribute the API's request span carries for the order it placed: what the trace link searches by. */
export const orderIdAttribute = 'order.id';

/** Operators jump from an API answer straight to the workflow's history, which is where a saga is debugged. */
export function orderLinks(config: LinkConfig, orderId: string): OrderLinks {
  const ui = config.TEMPORAL_UI_URL.replace(/\/+$/, '');
  const ns = encodeURIComponent(config.TEMPORAL_NAMESPACE);
  const id = encodeURIComponent(orderId);
  return {
    self: `/orders/${id}`,
    events: `/orders/${id}/events`,
    temporalUi: `${ui}/namespaces/${ns}/workflows/${encodeURIComponent(orderWorkflowId(orderId))}`,
    ...traceLink(config, orderId),
  };
}

/**
 * The viewer's search for the request that placed the order (its span is the trace's root, tagged `order.id`):
 * Jaeger's UI at `/search`, and its query API answers the same parameters at `/api/traces`. Nothing while this
 * process does not trace or no viewer is configured.
 */
function traceLink(config: LinkConfig, orderId: string): { trace?: string } {
  const tracing = processTracing();
  if (config.TRACE_UI_URL === undefined || !tracing.enabled) return {};
  const query = new URLSearchParams({
    service: tracing.serviceName,
    tags: JSON.stringify({ [orderIdAttribute]: orderId }),
    lookback: '7d',
  });
  return { trace: `${config.TRACE_UI_URL}/search?${query.toString()}` };
}
