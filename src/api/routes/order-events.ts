// GET /orders/{orderId}/events: the order's domain events as Server-Sent Events, past ones first, until it ends.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { durationToMs } from '../../events/nats/settings.js';
import type { AppEnv } from '../app-env.js';
import { isOperator, principalKey, Scopes } from '../auth/principal.js';
import type { AppDeps } from '../deps.js';
import { ApiError, validationHook } from '../errors.js';
import { principalOf } from '../middleware/authenticate.js';
import { envelopeFor } from '../orders/event-views.js';
import { audienceOf } from '../orders/order-views.js';
import type { OrderWorkflows } from '../orders/order-workflows.js';
import type { StreamSlots } from '../orders/stream-slots.js';
import { StreamEnd } from '../orders/stream-end.js';
import { errorResponses } from '../schemas/common.js';
import { secured } from '../schemas/security.js';
import { OrderIdParamsSchema } from '../schemas/order.js';

/** Comment lines keep proxies and load balancers from closing a quiet stream (an order waiting for approval). */
const keepAliveMs = 15_000;

/** One message as an SSE client parses it. */
const sseExample = {
  event: 'OrderCreated',
  id: 'f97792b2-10ba-8a10-8f8a-65be4de2e387',
  data:
    '{"specversion":"1.0","id":"f97792b2-10ba-8a10-8f8a-65be4de2e387","source":"order-saga/orders",' +
    '"type":"com.ordersaga.OrderCreated.v1","subject":"ord-42","time":"2026-12-01T10:00:00.000Z",' +
    '"datacontenttype":"application/json","ordersequence":1,"data":{"orderId":"ord-42","customerId":"cust-42",' +
    '"status":"PENDING"}}',
};

/**
 * One message of the stream, as an SSE client parses it: before OpenAPI 3.2 (`itemSchema`), the schema of an event
 * stream's media type describes each event, not the text of the whole stream.
 */
const SseMessageSchema = z
  .object({
    event: z.string().openapi({ description: 'The event’s name, e.g. `OrderCreated`', example: 'OrderCreated' }),
    id: z.string().openapi({ description: 'The event’s ID (the envelope’s `id`)' }),
    data: z.string().openapi({
      description: 'The CloudEvents envelope, as one line of JSON (its types are in the event contract)',
    }),
  })
  .openapi('OrderEventMessage', { example: sseExample });

const orderEvents = createRoute(
  secured([Scopes.place, Scopes.operate], {
    method: 'get',
    path: '/orders/{orderId}/events',
    operationId: 'streamOrderEvents',
    tags: ['orders'],
    summary: 'The order’s domain events (Server-Sent Events)',
    description:
      'Each message has `event: <EventName>`, `id: <event ID>` and the CloudEvents envelope as `data`. ' +
      'Past events come first, then live ones, in the order the stream received them (`ordersequence` in the ' +
      'envelope gives their order in the saga); the stream closes after OrderCompleted, OrderFailed or ' +
      'OrderCancelled once every event before it has been sent, or `API_EVENT_STREAM_GRACE` after it when one ' +
      'never comes. A customer follows only their own orders (reasons in customer words, no actor); each caller ' +
      'may hold `API_STREAMS_PER_PRINCIPAL` streams open at once.',
    request: { params: OrderIdParamsSchema },
    responses: {
      200: {
        description:
          'An event stream (text, not JSON): one message per event, `event:`, `id:` and one `data:` line holding the ' +
          'CloudEvents envelope as JSON (the envelope and each event type are in the event contract); comment lines ' +
          '(`: keep-alive`) between them.',
        content: {
          'text/event-stream': {
            schema: SseMessageSchema,
          },
        },
      },
      ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND', 'TOO_MANY_STREAMS', 'STREAMS_BUSY'),
    },
  }),
);

export function orderEventRoutes(deps: AppDeps, workflows: OrderWorkflows, slots: StreamSlots) {
  const graceMs = durationToMs(deps.config.API_EVENT_STREAM_GRACE);
  /**
   * Whether anyone knows the order (Temporal, running or closed, or the read model), and whose it is; an order
   * nobody knows is refused instead of an empty stream that never ends. An unreachable Temporal is a 503.
   */
  async function lookUp(orderId: string): Promise<{ known: boolean; customerId?: string | undefined }> {
    const inTemporal = await workflows.customerOf(orderId);
    if (inTemporal !== undefined) return { known: true, customerId: inTemporal };
    const summary = await deps.orders.getOrder(orderId);
    return { known: summary !== undefined, customerId: summary?.customerId };
  }

  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(orderEvents, async (c) => {
    const principal = principalOf(c);
    const { orderId } = c.req.valid('param');
    const order = await lookUp(orderId);
    // Another customer's order answers exactly as an unknown one.
    if (!order.known || !(isOperator(principal) || order.customerId === principal.subject)) {
      throw new ApiError('NOT_FOUND', `Order ${orderId} does not exist`);
    }
    const release = slots.acquire(principalKey(principal));
    const audience = audienceOf(principal);
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
          await stream.writeSSE({
            event: name,
            id: envelope.id,
            data: JSON.stringify(envelopeFor(audience, envelope)),
          });
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
        release();
      }
    });
  });
}
