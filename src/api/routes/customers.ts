// GET /customers/{customerId}/notifications: what the notification service told a customer, newest first.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { isOperator, Scopes } from '../auth/principal.js';
import type { AppDeps } from '../deps.js';
import { validationHook } from '../errors.js';
import { notYours, principalOf } from '../middleware/authenticate.js';
import { CustomerIdSchema, errorResponses } from '../schemas/common.js';
import { secured } from '../schemas/security.js';

const NotificationSchema = z
  .object({
    id: z.string(),
    customerId: z.string(),
    orderId: z.string(),
    event: z.string().openapi({ example: 'OrderShipped' }),
    message: z.string(),
    createdAt: z.string(),
  })
  .openapi('Notification');

const listNotifications = createRoute(
  secured([Scopes.place, Scopes.operate], {
    method: 'get',
    path: '/customers/{customerId}/notifications',
    operationId: 'listCustomerNotifications',
    tags: ['customers'],
    summary: 'A customer’s notifications, newest first',
    description: 'A customer reads their own (another customer’s ID is 403); operators read anyone’s.',
    request: {
      params: z.object({ customerId: CustomerIdSchema.openapi({ param: { name: 'customerId', in: 'path' } }) }),
    },
    responses: {
      200: {
        description: 'Possibly empty: a customer without orders has none',
        content: { 'application/json': { schema: z.object({ notifications: z.array(NotificationSchema) }) } },
      },
      ...errorResponses('VALIDATION_FAILED'),
    },
  }),
);

export function customerRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(listNotifications, async (c) => {
    const principal = principalOf(c);
    const { customerId } = c.req.valid('param');
    if (!isOperator(principal) && customerId !== principal.subject) throw notYours('notifications');
    return c.json({ notifications: await deps.notifications.listNotifications(customerId) }, 200);
  });
}
