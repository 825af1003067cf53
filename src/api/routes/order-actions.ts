// What customers and operators can ask of a running order: cancel, approve, reject, retry compensations.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { approveUpdate, cancelUpdate, rejectUpdate, retryCompensationsUpdate } from '../../workflows/definitions.js';
import type { AppEnv } from '../app-env.js';
import { Scopes } from '../auth/principal.js';
import type { Scope } from '../auth/principal.js';
import type { AppDeps } from '../deps.js';
import { validationHook } from '../errors.js';
import { principalOf } from '../middleware/authenticate.js';
import type { OrderUpdate, OrderWorkflows } from '../orders/order-workflows.js';
import { runOrderAction } from '../orders/run-action.js';
import { errorResponses } from '../schemas/common.js';
import { secured } from '../schemas/security.js';
import { NoArgumentsSchema, OrderSchema, OrderIdParamsSchema, ReasonBodySchema } from '../schemas/order.js';

interface Action {
  path: string;
  /** The OpenAPI operation, which the 201 of `POST /orders` links to. */
  operationId: string;
  summary: string;
  description: string;
  update: OrderUpdate;
  /** Operators may do every action; customers only those that list `orders:place`, on their own orders. */
  scopes: readonly Scope[];
}

/** Cancel and reject take `{}` or `{ reason }`; approve and retry `{}`. Every action sends a JSON body. */
const withReason: Action[] = [
  {
    path: '/orders/{orderId}/cancel',
    operationId: 'cancelOrder',
    summary: 'Cancel an order',
    description:
      'Allowed until the order has shipped, to its customer and to operators. Answers once the compensations ' +
      'have run: CANCELLED, or COMPENSATION_FAILED when an undo failed for good and an operator must retry it. ' +
      'Another customer’s order is 404, as if it did not exist.',
    update: cancelUpdate,
    scopes: [Scopes.place, Scopes.operate],
  },
  {
    path: '/orders/{orderId}/reject',
    operationId: 'rejectOrder',
    summary: 'Reject an order awaiting approval (operators)',
    description: 'The order ends CANCELLED with APPROVAL_REJECTED and the reason given.',
    update: rejectUpdate,
    scopes: [Scopes.operate],
  },
];

const withoutBody: Action[] = [
  {
    path: '/orders/{orderId}/approve',
    operationId: 'approveOrder',
    summary: 'Approve an order awaiting approval (operators)',
    description: 'Only for orders above the approval threshold; answers once the payment outcome is known.',
    update: approveUpdate,
    scopes: [Scopes.operate],
  },
  {
    path: '/orders/{orderId}/retry-compensations',
    operationId: 'retryOrderCompensations',
    summary: 'Retry failed compensations (operators)',
    description: 'For an order in COMPENSATION_FAILED, once the cause is fixed; resumes at the undo that failed.',
    update: retryCompensationsUpdate,
    scopes: [Scopes.operate],
  },
];

const responses = {
  200: { description: 'The order’s state after the action', content: { 'application/json': { schema: OrderSchema } } },
  202: {
    description: 'Accepted but not finished in time; the order as it was, follow `links.self`',
    content: { 'application/json': { schema: OrderSchema } },
  },
  ...errorResponses('VALIDATION_FAILED', 'NOT_FOUND', 'INVALID_STATE', 'UNAVAILABLE'),
};

/** What every action route shares: POST on the order, the action's words, the answers, JSON only. */
const actionRoute = ({ path, operationId, summary, description }: Action) => ({
  method: 'post' as const,
  path,
  operationId,
  tags: ['order actions'],
  summary,
  description: `${description} Send a JSON body with \`content-type: application/json\` (\`{}\` when there is nothing to say).`,
  responses,
});

/** Cancel and reject declare their `{ reason }` body. */
const routeWithReason = (action: Action) =>
  createRoute(
    secured(
      action.scopes,
      {
        ...actionRoute(action),
        request: {
          params: OrderIdParamsSchema,
          body: { required: true, content: { 'application/json': { schema: ReasonBodySchema } } },
        },
      },
      { write: true, json: true },
    ),
  );

const routeWithoutBody = (action: Action) =>
  createRoute(
    secured(
      action.scopes,
      {
        ...actionRoute(action),
        request: {
          params: OrderIdParamsSchema,
          body: { required: true, content: { 'application/json': { schema: NoArgumentsSchema } } },
        },
      },
      { write: true, json: true },
    ),
  );

/**
 * Each action is a Workflow Update carrying the acting principal (the history records who asked): its validator
 * refuses what the order's state does not allow before anything is written to history (409 with the validator's
 * reason), and the answer is the state the request led to, not merely "accepted". A customer's request is checked
 * against the order's customer first; one on someone else's order answers as for an order that does not exist.
 */
export function orderActionRoutes(deps: AppDeps, workflows: OrderWorkflows) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const answer = (c: Context<AppEnv>, orderId: string, update: OrderUpdate, reason?: string) =>
    runOrderAction(deps.config, workflows, principalOf(c), orderId, update, reason);
  for (const action of withReason) {
    app.openapi(routeWithReason(action), async (c) => {
      const { status, view } = await answer(c, c.req.valid('param').orderId, action.update, c.req.valid('json').reason);
      return c.json(view, status);
    });
  }
  for (const action of withoutBody) {
    app.openapi(routeWithoutBody(action), async (c) => {
      const { status, view } = await answer(c, c.req.valid('param').orderId, action.update);
      return c.json(view, status);
    });
  }
  return app;
}
