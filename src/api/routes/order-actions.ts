// What customers and operators can ask of a running order: cancel, approve, reject, retry compensations.
import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { approveUpdate, cancelUpdate, rejectUpdate, retryCompensationsUpdate } from '../../workflows/definitions.js';
import type { AppEnv } from '../app-env.js';
import type { AppDeps } from '../deps.js';
import { ApiError, validationHook } from '../errors.js';
import { viewOfState } from '../orders/order-views.js';
import type { OrderUpdate, OrderWorkflows } from '../orders/order-workflows.js';
import { errorResponses } from '../schemas/common.js';
import { OrderSchema, OrderIdParamsSchema, ReasonBodySchema } from '../schemas/order.js';

interface Action {
  path: string;
  summary: string;
  description: string;
  update: OrderUpdate;
}

/** Cancel and reject take an optional `{ reason }` body; approve and retry take none. */
const withReason: Action[] = [
  {
    path: '/orders/{orderId}/cancel',
    summary: 'Cancel an order',
    description:
      'Allowed until the order has shipped. Answers once the compensations have run: CANCELLED, or ' +
      'COMPENSATION_FAILED when an undo failed for good and an operator must retry it.',
    update: cancelUpdate,
  },
  {
    path: '/orders/{orderId}/reject',
    summary: 'Reject an order awaiting approval',
    description: 'The order ends CANCELLED with APPROVAL_REJECTED and the reason given.',
    update: rejectUpdate,
  },
];

const withoutBody: Action[] = [
  {
    path: '/orders/{orderId}/approve',
    summary: 'Approve an order awaiting approval',
    description: 'Only for orders above the approval threshold; answers once the payment outcome is known.',
    update: approveUpdate,
  },
  {
    path: '/orders/{orderId}/retry-compensations',
    summary: 'Retry failed compensations (operators)',
    description: 'For an order in COMPENSATION_FAILED, once the cause is fixed; resumes at the undo that failed.',
    update: retryCompensationsUpdate,
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

/** What every action route shares: POST on the order, the action's words, the answers. */
const actionRoute = ({ path, summary, description }: Action) => ({
  method: 'post' as const,
  path,
  tags: ['order actions'],
  summary,
  description,
  responses,
});

/** Cancel and reject also declare their optional `{ reason }` body. */
const routeWithReason = (action: Action) =>
  createRoute({
    ...actionRoute(action),
    request: {
      params: OrderIdParamsSchema,
      body: { required: false, content: { 'application/json': { schema: ReasonBodySchema } } },
    },
  });

const routeWithoutBody = (action: Action) =>
  createRoute({ ...actionRoute(action), request: { params: OrderIdParamsSchema } });

/**
 * Each action is a Workflow Update: its validator refuses what the order's state does not allow before
 * anything is written to history (409 with the validator's reason), and the answer is the state the
 * request led to, not merely "accepted".
 */
export function orderActionRoutes(deps: AppDeps, workflows: OrderWorkflows) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const answer = async (orderId: string, update: OrderUpdate, reason?: string) => {
    const outcome = await workflows.update(orderId, update, reason === undefined ? undefined : { reason });
    if (outcome.kind === 'done') return { status: 200 as const, view: viewOfState(deps.config, outcome.state) };
    if (outcome.state === undefined) throw new ApiError('UNAVAILABLE', 'The order’s workflow did not answer in time');
    return { status: 202 as const, view: viewOfState(deps.config, outcome.state) };
  };
  for (const action of withReason) {
    app.openapi(routeWithReason(action), async (c) => {
      const { status, view } = await answer(c.req.valid('param').orderId, action.update, c.req.valid('json').reason);
      return c.json(view, status);
    });
  }
  for (const action of withoutBody) {
    app.openapi(routeWithoutBody(action), async (c) => {
      const { status, view } = await answer(c.req.valid('param').orderId, action.update);
      return c.json(view, status);
    });
  }
  return app;
}
