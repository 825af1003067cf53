// Action routes take JSON only: a request without a JSON content type is 415, so no HTML form can post one.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';

/** `application/json`, or a `+json` type, with any parameters (`; charset=utf-8`). */
const json = /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i;

/**
 * A cross-site HTML form can only send `application/x-www-form-urlencoded`, `multipart/form-data` or
 * `text/plain` without a CORS preflight, which this API never grants; requiring JSON on every POST of an order
 * action, body or not, means a form on another site cannot trigger one even where a browser holds credentials.
 */
export const jsonOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!json.test(c.req.header('content-type') ?? '')) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send this request with `content-type: application/json`');
  }
  await next();
};
