// GET /orders/{orderId}/events: the order's domain events as Server-Sent Events, past ones first, until it ends.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { orderWorkflowId } from '../../shared/order.js';
import type { AppEnv } from '../app-env.js';
import type { AppDeps } from '../deps.js';
import { ApiError, validationHook } from '../errors.js';
import type { OrderWorkflows } from '../orders/order-workflows.js';
import { errorResponses } from '../schemas/common.js';
import { OrderIdParamsSchema } from '../schemas/order.js';

/** Events after which nothing more happens to the order: the stream ends with them. */
const terminalEvents: ReadonlySet<string> = new Set(['OrderCompleted', 'OrderFailed', 'OrderCancelled']);

/** Comment lines keep proxies and load balancers from closing a quiet stream (an order waiting for approval). */
const keepAliveMs = 15_000;

const orderEvents = createRoute({
  method: 'get',
  path: '/orders/{orderId}/events',
  tags: ['orders'],
  summary: 'The order’s domain events (Server-Sent Events)',
  description:
    'Each message has `event: <EventName>`, `id: <event ID>` and the CloudEvents envelope as `data`. Past ' +
    'events come first, then live ones; the stream closes after OrderCompleted, OrderFailed or OrderCancelled.',
  request: { params: OrderIdParamsSchema },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND'),
  },
});

export function orderEventRoutes(deps: AppDeps, workflows: OrderWorkflows) {
  /** Refuses a stream for an order nobody knows, instead of an empty stream that never ends. */
  async function known(orderId: string): Promise<boolean> {
    // An unreachable Temporal is a 503 (exists throws UNAVAILABLE), not a 404.
    const inTemporal = await workflows.exists(orderWorkflowId(orderId));
    return inTemporal || (await deps.orders.getOrder(orderId)) !== undefined;
  }

  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(orderEvents, async (c) => {
    const { orderId } = c.req.valid('param');
    if (!(await known(orderId))) throw new ApiError('NOT_FOUND', `Order ${orderId} does not exist`);
    const requestId = c.get('requestId');
    return streamSSE(c, async (stream) => {
      const following = new AbortController();
      stream.onAbort(() => following.abort());
      const onShutdown = () => following.abort();
      deps.shutdown?.addEventListener('abort', onShutdown);
      const keepAlive = setInterval(
        () => void stream.write(': keep-alive\n\n').catch(() => following.abort()),
        keepAliveMs,
      );
      try {
        for await (const { name, envelope } of deps.events.follow(orderId, following.signal)) {
          await stream.writeSSE({ event: name, id: envelope.id, data: JSON.stringify(envelope) });
          if (terminalEvents.has(name)) break;
        }
      } catch (error) {
        if (!following.signal.aborted) {
          deps.logger.error({ err: error, requestId, orderId }, 'order event stream failed');
          const body = { error: { code: 'UNAVAILABLE', message: 'The event stream was interrupted', requestId } };
          await stream.writeSSE({ event: 'error', data: JSON.stringify(body) }).catch(() => undefined);
        }
      } finally {
        clearInterval(keepAlive);
        deps.shutdown?.removeEventListener('abort', onShutdown);
        following.abort();
      }
    });
  });
}
