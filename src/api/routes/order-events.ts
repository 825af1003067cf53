// GET /orders/{orderId}/events: the order's domain events as Server-Sent Events, past ones first, until it ends.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { durationToMs } from '../../events/nats/settings.js';
import { orderWorkflowId } from '../../shared/order.js';
import type { AppEnv } from '../app-env.js';
import type { AppDeps } from '../deps.js';
import { ApiError, validationHook } from '../errors.js';
import type { OrderWorkflows } from '../orders/order-workflows.js';
import { StreamEnd } from '../orders/stream-end.js';
import { errorResponses } from '../schemas/common.js';
import { OrderIdParamsSchema } from '../schemas/order.js';

/** Comment lines keep proxies and load balancers from closing a quiet stream (an order waiting for approval). */
const keepAliveMs = 15_000;

const orderEvents = createRoute({
  method: 'get',
  path: '/orders/{orderId}/events',
  tags: ['orders'],
  summary: 'The order’s domain events (Server-Sent Events)',
  description:
    'Each message has `event: <EventName>`, `id: <event ID>` and the CloudEvents envelope as `data`. Past ' +
    'events come first, then live ones, in the order the stream received them (`ordersequence` in the envelope ' +
    'gives their order in the saga). The stream closes after OrderCompleted, OrderFailed or OrderCancelled once ' +
    'every event before it has been sent, or a few seconds after it (API_EVENT_STREAM_GRACE) when one never comes.',
  request: { params: OrderIdParamsSchema },
  responses: {
    200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
    ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND'),
  },
});

export function orderEventRoutes(deps: AppDeps, workflows: OrderWorkflows) {
  const graceMs = durationToMs(deps.config.API_EVENT_STREAM_GRACE);
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
      const end = new StreamEnd();
      let grace: ReturnType<typeof setTimeout> | undefined;
      try {
        for await (const event of deps.events.follow(orderId, following.signal)) {
          if (!end.wanted(event)) continue;
          const { name, envelope } = event;
          await stream.writeSSE({ event: name, id: envelope.id, data: JSON.stringify(envelope) });
          end.sent(event);
          if (end.complete) break;
          // Another service's relay may still be behind: wait a bounded while for the events before the terminal one.
          if (end.terminalSent) grace ??= setTimeout(() => following.abort(), graceMs);
        }
      } catch (error) {
        if (!following.signal.aborted) {
          deps.logger.error({ err: error, requestId, orderId }, 'order event stream failed');
          const body = { error: { code: 'UNAVAILABLE', message: 'The event stream was interrupted', requestId } };
          await stream.writeSSE({ event: 'error', data: JSON.stringify(body) }).catch(() => undefined);
        }
      } finally {
        clearTimeout(grace);
        clearInterval(keepAlive);
        deps.shutdown?.removeEventListener('abort', onShutdown);
        following.abort();
      }
    });
  });
}
