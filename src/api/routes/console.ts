// GET/POST /console/...: the operator's console, server-rendered pages over the same read ports and action code as the API.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { z } from 'zod';
import type { ParsedEvent } from '../../events/envelope.js';
import type { AppEnv } from '../app-env.js';
import { requireScope } from '../auth/authenticator.js';
import { Scopes } from '../auth/principal.js';
import { actionsFor, consoleAction } from '../console/actions.js';
import type { ConsoleAction } from '../console/actions.js';
import { confirmPage, notOfferedNotice, outcomeNotice, refusedNotice } from '../console/action-page.js';
import { layout } from '../console/layout.js';
import type { Html } from '../console/layout.js';
import { orderPage } from '../console/order-page.js';
import { ordersPage } from '../console/orders-page.js';
import { queuesPage } from '../console/queues-page.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { consolePath, principalOf } from '../middleware/authenticate.js';
import { sameOrigin } from '../middleware/same-origin.js';
import { viewOfState, viewOfSummary } from '../orders/order-views.js';
import type { OrderView } from '../orders/order-views.js';
import type { OrderWorkflows } from '../orders/order-workflows.js';
import { runOrderAction } from '../orders/run-action.js';
import { invalidCursorCode } from '../ports/order-read-model.js';
import type { ListOrdersQuery, OrderSummary } from '../ports/order-read-model.js';
import { OrderIdSchema } from '../schemas/common.js';
import { ListOrdersQuerySchema } from '../schemas/order.js';

/** Orders per page of the list, and per queue. */
const pageSize = 25;
/** Events shown on an order's page; an order has about a dozen. */
const eventsShown = 200;

const ReasonFormSchema = z.object({
  reason: z
    .string()
    .max(500, 'at most 500 characters')
    .transform((r) => r.trim())
    .optional(),
});

/** A field that failed, named as the API names them (`query.status`, `param.orderId`, `body.reason`). */
function invalid(path: string, error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const field = [path, ...(issue?.path ?? []).map(String)].join('.');
  return new ApiError('VALIDATION_FAILED', `${field}: ${issue?.message ?? 'invalid'}`, [
    { path: field, message: issue?.message ?? 'invalid' },
  ]);
}

/**
 * Operators only: the authentication middleware reads the sign-in cookie on these paths (or a bearer header), and
 * each page checks the scope, so a customer's token is a 403 page. Reads go through the read ports and the
 * workflow's `getState` query, as `GET /orders` and `GET /orders/{id}` do; actions through `runOrderAction`, the
 * code of the API's action routes, after a confirmation page. A POST must come from the console's own pages
 * (its `Origin`), and the cookie is SameSite=Strict, so another site can neither send one nor carry the cookie.
 */
export function consoleRoutes(deps: AppDeps, workflows: OrderWorkflows) {
  const operator = (c: Context<AppEnv>) => {
    const principal = principalOf(c);
    requireScope(principal, Scopes.operate);
    return principal;
  };
  const render = (c: Context<AppEnv>, title: string, body: Html, notice?: Html, status: 200 | 409 = 200) =>
    c.html(layout({ title, body, operator: principalOf(c).subject, ...(notice ? { notice } : {}) }), status);

  const orderIdOf = (c: Context<AppEnv>) => {
    const parsed = OrderIdSchema.safeParse(c.req.param('orderId'));
    if (!parsed.success) throw invalid('param.orderId', parsed.error);
    return parsed.data;
  };
  const actionOf = (c: Context<AppEnv>): ConsoleAction => {
    const name = c.req.param('action') ?? '';
    const action = consoleAction(name);
    if (action === undefined) throw new ApiError('ROUTE_NOT_FOUND', `No console action ${name}`);
    return action;
  };

  /** The order as an operator sees it: live from its workflow, else the read model's record. */
  const readOrder = async (orderId: string): Promise<OrderView> => {
    let queryError: unknown;
    const state = await workflows.state(orderId).catch((error: unknown) => {
      queryError = error;
      return undefined;
    });
    if (state) return viewOfState(deps.config, state, 'operator');
    const summary = await deps.orders.getOrder(orderId);
    if (summary) return viewOfSummary(deps.config, summary, 'operator');
    if (queryError !== undefined) {
      throw new ApiError('UNAVAILABLE', 'The order’s workflow did not answer in time', undefined, {
        cause: queryError,
      });
    }
    throw new ApiError('NOT_FOUND', `Order ${orderId} does not exist`);
  };
  /** Its stored events; the page still shows the order when they cannot be read. */
  const eventsOf = (c: Context<AppEnv>, orderId: string): Promise<ParsedEvent[] | undefined> =>
    deps.events.recorded(orderId, eventsShown).catch((error: unknown) => {
      deps.logger.warn({ err: error, orderId, requestId: c.get('requestId') }, 'console: order events not read');
      return undefined;
    });
  const list = (query: ListOrdersQuery) =>
    deps.orders.listOrders(query).catch((error: unknown) => {
      if ((error as { code?: unknown } | null)?.code === invalidCursorCode) {
        throw new ApiError('INVALID_CURSOR', 'query.cursor: not a position this list gave', undefined, {
          cause: error,
        });
      }
      throw error;
    });
  /**
   * The read model knows an approval deadline only from OrderCreated v2, which producers publish once every reader
   * takes it (`EVENTS_ORDER_CREATED_VERSION`); until then the running workflow's state says it (a query each).
   */
  const withDeadline = async (summary: OrderSummary): Promise<OrderSummary> => {
    if (summary.approvalDeadline !== undefined) return summary;
    const state = await workflows.state(summary.orderId).catch(() => undefined);
    return state?.approvalDeadline === undefined ? summary : { ...summary, approvalDeadline: state.approvalDeadline };
  };
  const orderTitle = (orderId: string) => `Order ${orderId.slice(0, 8)}`;

  return new Hono<AppEnv>()
    .get(consolePath, (c) => {
      operator(c);
      return c.redirect(`${consolePath}/orders`, 303);
    })
    .get(`${consolePath}/orders`, async (c) => {
      operator(c);
      // The filter form sends every field; an empty one means "any".
      const given = Object.fromEntries(Object.entries(c.req.query()).filter(([, v]) => v !== ''));
      const parsed = ListOrdersQuerySchema.omit({ limit: true }).safeParse(given);
      if (!parsed.success) throw invalid('query', parsed.error);
      const filter = parsed.data;
      const page = await list({ ...filter, limit: pageSize });
      return render(c, 'Orders', ordersPage(page, filter, Date.now()));
    })
    .get(`${consolePath}/queues`, async (c) => {
      operator(c);
      const [awaiting, parked] = await Promise.all([
        list({ status: 'AWAITING_APPROVAL', limit: pageSize }),
        list({ status: 'COMPENSATION_FAILED', limit: pageSize }),
      ]);
      const queues = {
        awaitingApproval: await Promise.all(awaiting.orders.map(withDeadline)),
        parked: parked.orders,
        more: { awaitingApproval: awaiting.nextCursor !== undefined, parked: parked.nextCursor !== undefined },
      };
      return render(c, 'Queues', queuesPage(queues, Date.now()));
    })
    .get(`${consolePath}/orders/:orderId`, async (c) => {
      operator(c);
      const orderId = orderIdOf(c);
      const [order, events] = await Promise.all([readOrder(orderId), eventsOf(c, orderId)]);
      return render(c, orderTitle(orderId), orderPage(order, events, Date.now()));
    })
    .get(`${consolePath}/orders/:orderId/:action`, async (c) => {
      operator(c);
      const orderId = orderIdOf(c);
      const action = actionOf(c);
      const order = await readOrder(orderId);
      const offered = actionsFor(order.status).includes(action);
      const notice = offered ? undefined : notOfferedNotice(action, order);
      return render(c, `${action.label}: ${orderTitle(orderId)}`, confirmPage(orderId, action, order), notice);
    })
    .post(`${consolePath}/orders/:orderId/:action`, async (c) => {
      sameOrigin(c);
      const principal = operator(c);
      const orderId = orderIdOf(c);
      const action = actionOf(c);
      if (!/^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '')) {
        throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The console’s forms send application/x-www-form-urlencoded');
      }
      const form = ReasonFormSchema.safeParse(await c.req.parseBody());
      if (!form.success) throw invalid('body', form.error);
      const reason = action.reason && form.data.reason ? form.data.reason : undefined;
      try {
        const { status, view } = await runOrderAction(
          deps.config,
          workflows,
          principal,
          orderId,
          action.update,
          reason,
        );
        const events = await eventsOf(c, orderId);
        return render(c, orderTitle(orderId), orderPage(view, events, Date.now()), outcomeNotice(action, status, view));
      } catch (error) {
        // The workflow said no (the order moved on): its reason on the order's page, which shows where it is now.
        if (!(error instanceof ApiError) || error.code !== 'INVALID_STATE') throw error;
        const [order, events] = await Promise.all([readOrder(orderId), eventsOf(c, orderId)]);
        return render(
          c,
          orderTitle(orderId),
          orderPage(order, events, Date.now()),
          refusedNotice(action, error.message),
          409,
        );
      }
    });
}
