// Counts and times every API request for Prometheus, by method, route pattern and status (src/metrics/series.ts).
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { apiRequestDuration, apiRequests } from '../../metrics/series.js';
import type { AppEnv } from '../app-env.js';

/**
 * Labels by the pattern that matched (`/orders/:orderId`), never the raw path, so one series per route and not per
 * order; a request no route matched (404, 405) is `unmatched`. Installed before the error handler's middleware,
 * so an error's status is what it counts. An event stream counts once it has answered its headers.
 */
export function requestMetrics(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const route = routePath(c, -1);
      const labels = {
        method: c.req.method,
        route: route === '/*' || route === '*' || route === '' ? 'unmatched' : route,
        status: String(c.res.status),
      };
      apiRequests.inc(labels);
      apiRequestDuration.observe(labels, (performance.now() - started) / 1000);
    }
  };
}
