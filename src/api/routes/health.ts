// GET /healthz (the process answers) and GET /readyz (the dependencies answer too).
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { runProbes } from '../../lib/readiness.js';
import type { AppEnv } from '../app-env.js';
import type { AppDeps } from '../deps.js';
import { ApiError, validationHook } from '../errors.js';
import { errorResponses } from '../schemas/common.js';

const healthz = createRoute({
  method: 'get',
  path: '/healthz',
  operationId: 'getHealth',
  tags: ['operations'],
  summary: 'Liveness: the process is up',
  responses: {
    200: { description: 'Up', content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } } },
  },
});

const ChecksSchema = z.record(z.string(), z.string()).openapi({ example: { temporal: 'up', nats: 'up' } });

const readyz = createRoute({
  method: 'get',
  path: '/readyz',
  operationId: 'getReadiness',
  tags: ['operations'],
  summary: 'Readiness: Temporal and NATS are reachable',
  responses: {
    200: {
      description: 'Ready',
      content: { 'application/json': { schema: z.object({ status: z.literal('ready'), checks: ChecksSchema }) } },
    },
    ...errorResponses('NOT_READY'),
  },
});

/**
 * Liveness never looks at dependencies (restarting the API would not fix Temporal); readiness does, so a
 * load balancer stops sending orders to an instance that cannot place them.
 */
export function healthRoutes(deps: AppDeps) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
    .openapi(healthz, (c) => c.json({ status: 'ok' as const }, 200))
    .openapi(readyz, async (c) => {
      const { checks, down } = await runProbes(deps.readiness);
      if (down.length > 0) throw new ApiError('NOT_READY', `Not ready: ${down.join(' and ')} unreachable`, { checks });
      return c.json({ status: 'ready' as const, checks }, 200);
    });
}
