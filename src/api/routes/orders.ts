// The order resource: place an order (update-with-start), read one order, list orders.
import { trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { FailureTypes } from '../../shared/failure-types.js';
import type { OrderState } from '../../shared/order-state.js';
import { pricingOf } from '../../shared/saga-steps.js';
import type { AppDeps } from '../deps.js';
import type { AppEnv } from '../app-env.js';
import { actorOf, isOperator, Scopes } from '../auth/principal.js';
import { ApiError, validationHook } from '../errors.js';
import { notYours, principalOf } from '../middleware/authenticate.js';
import { bodyFingerprint, orderIdForKey } from '../orders/idempotency.js';
import { orderIdAttribute, orderLinks } from '../orders/links.js';
import { audienceOf, failureFor, summaryView, viewOfState, viewOfSummary } from '../orders/order-views.js';
import type { OrderWorkflows } from '../orders/order-workflows.js';
import { invalidCursorCode } from '../ports/order-read-model.js';
import { CustomerIdSchema, errorResponses } from '../schemas/common.js';
import { secured } from '../schemas/security.js';
import {
  ListOrdersQuerySchema,
  OrderSchema,
  OrderIdParamsSchema,
  OrderPageSchema,
  PlacedOrderSchema,
  PlaceOrderBodySchema,
  PlaceOrderHeadersSchema,
} from '../schemas/order.js';

/**
 * OpenAPI links from a placed order to its own routes, so a client (or a stateful tester) finds them from the answer
 * instead of building URLs; the body's `links` carry the same targets as URLs.
 */
const placedOrderLinks: Record<string, { operationId: string; description: string; parameters: { orderId: string } }> =
  {};
for (const [name, operationId, description] of [
  ['GetOrder', 'getOrder', 'The order as it is now'],
  ['StreamOrderEvents', 'streamOrderEvents', 'Its events as they happen (Server-Sent Events)'],
  ['CancelOrder', 'cancelOrder', 'Cancel it'],
  ['ApproveOrder', 'approveOrder', 'Approve it, when it awaits approval (operators)'],
  ['RejectOrder', 'rejectOrder', 'Reject it, when it awaits approval (operators)'],
  ['RetryOrderCompensations', 'retryOrderCompensations', 'Retry its failed compensations (operators)'],
] as const) {
  placedOrderLinks[name] = { operationId, description, parameters: { orderId: '$response.body#/orderId' } };
}

const placeOrder = createRoute(
  secured(
    [Scopes.place],
    {
      method: 'post',
      path: '/orders',
      operationId: 'placeOrder',
      tags: ['orders'],
      summary: 'Place an order',
      description:
        'Starts the order’s workflow and answers once it has priced the order (update-with-start). The order is ' +
        'the token’s subject’s: `customerId` may be left out, and one that names anyone else is 403. Send an ' +
        '`Idempotency-Key` to make retries safe: the same key (per subject) and body return the same order and ' +
        'start nothing. A key whose order has passed the namespace’s retention is refused (`IDEMPOTENCY_KEY_EXPIRED`), ' +
        'whatever the body.',
      request: {
        headers: PlaceOrderHeadersSchema,
        body: { required: true, content: { 'application/json': { schema: PlaceOrderBodySchema } } },
      },
      responses: {
        201: {
          description: 'The order, priced',
          content: { 'application/json': { schema: PlacedOrderSchema } },
          links: placedOrderLinks,
        },
        202: {
          description: 'Accepted, but not priced in time; follow `links.self`',
          content: { 'application/json': { schema: PlacedOrderSchema } },
          links: placedOrderLinks,
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
    },
    { write: true },
  ),
);

const getOrder = createRoute(
  secured([Scopes.place, Scopes.operate], {
    method: 'get',
    path: '/orders/{orderId}',
    operationId: 'getOrder',
    tags: ['orders'],
    summary: 'One order',
    description:
      'The live state from the workflow; the read model’s record once the workflow is gone. A customer sees only ' +
      'their own orders (another customer’s is 404, as if it did not exist) and failures in customer words; ' +
      'operators see every order as recorded.',
    request: { params: OrderIdParamsSchema },
    responses: {
      200: { description: 'The order', content: { 'application/json': { schema: OrderSchema } } },
      ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND', 'UNAVAILABLE'),
    },
  }),
);

const listOrders = createRoute(
  secured([Scopes.place, Scopes.operate], {
    method: 'get',
    path: '/orders',
    operationId: 'listOrders',
    tags: ['orders'],
    summary: 'A page of orders, newest first',
    description: 'Operators list every order; a customer only their own (`customerId`, if sent, must be theirs).',
    request: { query: ListOrdersQuerySchema },
    responses: {
      200: {
        description: 'One page; pass `nextCursor` as `cursor` for the next',
        content: { 'application/json': { schema: OrderPageSchema } },
      },
      ...errorResponses('VALIDATION_FAILED', 'INVALID_CURSOR'),
    },
  }),
);

/** Pricing refusals are the customer's to fix, so they are 422s; any other outcome is the order's status. */
const pricingRefusals: Readonly<Record<string, 'UNKNOWN_SKU' | 'INVALID_QUANTITY'>> = {
  [FailureTypes.UnknownSku]: 'UNKNOWN_SKU',
  [FailureTypes.InvalidQuantity]: 'INVALID_QUANTITY',
};

function pricingRefusal(state: OrderState): ApiError | undefined {
  const pricing = pricingOf(state);
  const code = pricing?.outcome === 'failed' ? pricingRefusals[pricing.failure?.code ?? ''] : undefined;
  if (code === undefined || pricing?.failure === undefined) return undefined;
  // Pricing refusals are told in the service's own words, which describe the customer's own input.
  return new ApiError(code, failureFor('customer', pricing.failure).message, { orderId: state.orderId });
}

/** The customer an order is placed for: the token's subject, which must be usable as a customer ID. */
function customerOfPlacement(subject: string, named: string | undefined): string {
  if (!CustomerIdSchema.safeParse(subject).success) {
    throw new ApiError('FORBIDDEN', 'This token’s subject cannot be a customer ID (letters, digits, _ and -)');
  }
  if (named !== undefined && named !== subject) {
    throw new ApiError(
      'FORBIDDEN',
      `Orders are placed as the token’s subject: customerId must be ${subject} or left out`,
    );
  }
  return subject;
}

export function orderRoutes(deps: AppDeps, workflows: OrderWorkflows) {
  const { config } = deps;
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(placeOrder, async (c) => {
      const principal = principalOf(c);
      const given = c.req.valid('json');
      const customerId = customerOfPlacement(principal.subject, given.customerId);
      const body = { ...given, customerId };
      const key = c.req.valid('header')['Idempotency-Key'];
      // Keys are scoped per principal: the derived ID names the subject, the only customer it can order for.
      const orderId = key === undefined ? randomUUID() : orderIdForKey(customerId, key);
      const placement = await workflows.place(
        { orderId, ...body },
        actorOf(principal),
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
      // The request that started the order roots its trace: tagged, so the order's trace link finds it.
      if (!placement.replayed) trace.getActiveSpan()?.setAttribute(orderIdAttribute, orderId);
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
          ...(state.approvalDeadline === undefined ? {} : { approvalDeadline: state.approvalDeadline }),
          ...(state.failure === undefined ? {} : { failure: failureFor(audienceOf(principal), state.failure) }),
          links,
        },
        201,
      );
    })
    .openapi(getOrder, async (c) => {
      const principal = principalOf(c);
      const audience = audienceOf(principal);
      // Another customer's order answers exactly as an unknown one: its existence is not theirs to learn.
      const visible = (customerId: string | undefined) => isOperator(principal) || customerId === principal.subject;
      const { orderId } = c.req.valid('param');
      let queryError: unknown;
      const state = await workflows.state(orderId).catch((error: unknown) => {
        queryError = error;
        return undefined;
      });
      if (state && visible(state.customerId)) return c.json(viewOfState(config, state, audience), 200);
      const summary = state ? undefined : await deps.orders.getOrder(orderId);
      if (summary && visible(summary.customerId)) return c.json(viewOfSummary(config, summary, audience), 200);
      if (state || summary) throw new ApiError('NOT_FOUND', `Order ${orderId} does not exist`);
      // The workflow did not answer: say so only to someone who may see the order (describe needs no worker).
      if (queryError !== undefined && !visible(await workflows.customerOf(orderId))) {
        throw new ApiError('NOT_FOUND', `Order ${orderId} does not exist`);
      }
      if (queryError !== undefined) {
        throw new ApiError('UNAVAILABLE', 'The order’s workflow did not answer in time', undefined, {
          cause: queryError,
        });
      }
      throw new ApiError('NOT_FOUND', `Order ${orderId} does not exist`);
    })
    .openapi(listOrders, async (c) => {
      const principal = principalOf(c);
      const query = c.req.valid('query');
      const { status, limit, cursor } = query;
      let { customerId } = query;
      if (!isOperator(principal)) {
        if (customerId !== undefined && customerId !== principal.subject) throw notYours('orders');
        customerId = principal.subject;
      }
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
        {
          orders: page.orders.map((o) => summaryView(config, o, audienceOf(principal))),
          nextCursor: page.nextCursor ?? null,
        },
        200,
      );
    });
}
