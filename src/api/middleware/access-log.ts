// One structured log line per request, with the request ID that the client also sees in X-Request-Id.
import type { MiddlewareHandler } from 'hono';
import type { Logger } from '../../logger.js';
import type { AppEnv } from '../app-env.js';
import { principalKey } from '../auth/principal.js';

/**
 * Logs the path without the query string (cursors and customer IDs in queries need not fill the logs) and who
 * called (`operator:alice`), never their token.
 */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const principal = c.get('principal');
    logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ...(principal === undefined ? {} : { principal: principalKey(principal) }),
        ms: Math.round(performance.now() - started),
      },
      'request',
    );
  };
}
