// The order resource: place an order (update-with-start), read one order, list orders.
import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { FailureTypes } from '../../shared/failure-types.js';
import type { OrderState } from '../../shared/order-state.js';
import { pricingOf } from '../../shared/saga-steps.js';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../app-env.js';
import { ApiError, validationHook } from '../errors.js';
import { bodyFingerprint, orderIdForKey } from '../orders/idempotency.js';
import { orderLinks } from '../orders/links.js';
import { summaryView, viewOfState, viewOfSummary } from '../orders/order-views.js';
import type { OrderWorkflows } from '../orders/order-workflows.js';
import { invalidCursorCode } from '../ports/order-read-model.js';
import { errorResponses } from '../schemas/common.js';
import {
  ListOrdersQuerySchema,
  OrderSchema,
  OrderIdParamsSchema,
  OrderPageSchema,
  PlacedOrderSchema,
  PlaceOrderBodySchema,
  PlaceOrderHeadersSchema,
} from '../schemas/order.js';

const placeOrder = createRoute({
  method: 'post',
  path: '/orders',
  tags: ['orders'],
  summary: 'Place an order',
  description:
    'Starts the order’s workflow and answers once it has priced the order (update-with-start). Send an ' +
    '`Idempotency-Key` to make retries safe: the same key and body return the same order and start nothing. A key ' +
    'whose order has passed the namespace’s retention is refused (`IDEMPOTENCY_KEY_EXPIRED`), whatever the body.',
  request: {
    headers: PlaceOrderHeadersSchema,
    body: { required: true, content: { 'application/json': { schema: PlaceOrderBodySchema } } },
  },
  responses: {
    201: { description: 'The order, priced', content: { 'application/json': { schema: PlacedOrderSchema } } },
    202: {
      description: 'Accepted, but not priced in time; follow `links.self`',
      content: { 'application/json': { schema: PlacedOrderSchema } },
    },
    ...errorResponses(
      'VALIDATION_FAILED',
      'MALFORMED_JSON',
      'PAYLOAD_TOO_LARGE',
      'UNSUPPORTED_MEDIA_TYPE',
      'UNKNOWN_SKU',
      'INVALID_QUANTITY',
      'IDEMPOTENCY_KEY_REUSED',
      'IDEMPOTENCY_KEY_EXPIRED',
      'UNAVAILABLE',
    ),
  },
});

const getOrder = createRoute({
  method: 'get',
  path: '/orders/{orderId}',
  tags: ['orders'],
  summary: 'One order',
  description: 'The live state from the workflow; the read model’s record once the workflow is gone.',
  request: { params: OrderIdParamsSchema },
  responses: {
    200: { description: 'The order', content: { 'application/json': { schema: OrderSchema } } },
    ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND', 'UNAVAILABLE'),
  },
});

const listOrders = createRoute({
  method: 'get',
  path: '/orders',
  tags: ['orders'],
  summary: 'A page of orders, newest first',
  request: { query: ListOrdersQuerySchema },
  responses: {
    200: {
      description: 'One page; pass `nextCursor` as `cursor` for the next',
      content: { 'application/json': { schema: OrderPageSchema } },
    },
    ...errorResponses('VALIDATION_FAILED', 'INVALID_CURSOR'),
  },
});

/** Pricing refusals are the customer's to fix, so they are 422s; any other outcome is the order's status. */
const pricingRefusals: Readonly<Record<string, 'UNKNOWN_SKU' | 'INVALID_QUANTITY'>> = {
  [FailureTypes.UnknownSku]: 'UNKNOWN_SKU',
  [FailureTypes.InvalidQuantity]: 'INVALID_QUANTITY',
};

function pricingRefusal(state: OrderState): ApiError | undefined {
  const pricing = pricingOf(state);
  const code = pricing?.outcome === 'failed' ? pricingRefusals[pricing.failure?.code ?? ''] : undefined;
  if (code === undefined) return undefined;
  return new ApiError(code, pricing?.failure?.message ?? 'The order was refused', { orderId: state.orderId });
}

export function orderRoutes(deps: AppDeps, workflows: OrderWorkflows) {
  const { config } = deps;
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(placeOrder, async (c) => {
      const body = c.req.valid('json');
      const key = c.req.valid('header')['Idempotency-Key'];
      const orderId = key === undefined ? randomUUID() : orderIdForKey(body.customerId, key);
      const placement = await workflows.place(
        { orderId, ...body },
        key === undefined ? undefined : bodyFingerprint(body),
      );
      if (placement.kind === 'key-reused') {
        throw new ApiError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was already used with a different request body; use a new key for a new order',
        );
      }
      if (placement.kind === 'key-expired') {
        throw new ApiError(
          'IDEMPOTENCY_KEY_EXPIRED',
          `This Idempotency-Key belongs to order ${orderId}, which is older than the order history Temporal keeps; ` +
            'its body can no longer be compared, so use a new key for a new order',
          { orderId },
        );
      }
      const links = orderLinks(config, orderId);
      c.header('Location', links.self);
      if (placement.replayed) c.header('Idempotent-Replayed', 'true');
      if (placement.kind === 'pending') return c.json({ orderId, status: 'PENDING' as const, items: [], links }, 202);
      const { state } = placement;
      const refusal = pricingRefusal(state);
      if (refusal) throw refusal;
      return c.json(
        {
          orderId,
          status: state.status,
          ...(state.total === undefined ? {} : { total: state.total }),
          items: state.lines,
          ...(state.failure === undefined ? {} : { failure: state.failure }),
          links,
        },
        201,
      );
    })
    .openapi(getOrder, async (c) => {
      const { orderId } = c.req.valid('param');
      let queryError: unknown;
      const state = await workflows.state(orderId).catch((error: unknown) => {
        queryError = error;
        return undefined;
      });
      if (state) return c.json(viewOfState(config, state), 200);
      const summary = await deps.orders.getOrder(orderId);
      if (summary) return c.json(viewOfSummary(config, summary), 200);
      if (queryError !== undefined) {
        throw new ApiError('UNAVAILABLE', 'The order’s workflow did not answer in time', undefined, {
          cause: queryError,
        });
      }
      throw new ApiError('NOT_FOUND', `Order ${orderId} does not exist`);
    })
    .openapi(listOrders, async (c) => {
      const { status, customerId, limit, cursor } = c.req.valid('query');
      const page = await deps.orders
        .listOrders({
          limit,
          ...(status === undefined ? {} : { status }),
          ...(customerId === undefined ? {} : { customerId }),
          ...(cursor === undefined ? {} : { cursor }),
        })
        .catch((error: unknown) => {
          if ((error as { code?: unknown } | null)?.code === invalidCursorCode) {
            throw new ApiError('INVALID_CURSOR', 'The cursor is not one this API issued', undefined, { cause: error });
          }
          throw error;
        });
      return c.json(
        { orders: page.orders.map((o) => summaryView(config, o)), nextCursor: page.nextCursor ?? null },
        200,
      );
    });
}
