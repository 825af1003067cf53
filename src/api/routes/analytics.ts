// GET /analytics/summary: the analytics subscriber's aggregate figures.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { Scopes } from '../auth/principal.js';
import type { AppDeps } from '../deps.js';
import { validationHook } from '../errors.js';
import { errorResponses, MoneySchema } from '../schemas/common.js';
import { secured } from '../schemas/security.js';

const AnalyticsSummarySchema = z
  .object({
    ordersByStatus: z.record(z.string(), z.number().int()),
    revenue: z
      .array(MoneySchema)
      .openapi({ description: 'Captured minus refunded, over all orders so far; one entry per currency' }),
    failuresByReason: z.record(z.string(), z.number().int()),
    eventsProcessed: z.number().int(),
    updatedAt: z.string().optional(),
  })
  .openapi('AnalyticsSummary');

const summary = createRoute(
  secured([Scopes.operate], {
    method: 'get',
    path: '/analytics/summary',
    operationId: 'getAnalyticsSummary',
    tags: ['analytics'],
    summary: 'Order counts, revenue and failure reasons (operators)',
    responses: {
      200: { description: 'The summary', content: { 'application/json': { schema: AnalyticsSummarySchema } } },
      ...errorResponses(),
    },
  }),
);

export function analyticsRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(summary, async (c) =>
    c.json(await deps.analytics.summary(), 200),
  );
}
