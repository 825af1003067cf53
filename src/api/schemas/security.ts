// What a protected route declares: the bearer scheme in its OpenAPI entry, its 401/403 (and 429, 415) answers, its scope check.
import type { RouteConfig } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import type { Scope } from '../auth/principal.js';
import type { ErrorCode } from '../errors.js';
import { requireScopes } from '../middleware/authenticate.js';
import { jsonOnly } from '../middleware/json-only.js';
import { errorResponses } from './common.js';

/** The name of the security scheme in the OpenAPI document's components. */
export const bearerScheme = 'bearerAuth';

/** The scheme the document declares (createApp registers it): a JWT in `Authorization: Bearer`. */
export const bearerSchemeObject = {
  type: 'http' as const,
  scheme: 'bearer',
  bearerFormat: 'JWT',
  description:
    'A JWT from the configured issuer (locally: `npm run token -- --customer <id>` or `--operator <name>`). ' +
    'Scopes in the `scope` claim: `orders:place` (customers), `orders:operate` (operators).',
};

export interface Protection {
  /** A write (POST): rate-limited per principal, so it may answer 429. */
  write?: boolean;
  /** Refuses any request without a JSON content type (415), body or not: the order actions. */
  json?: boolean;
}

/**
 * The route with the bearer scheme as its security requirement, the answers authentication can give it, the
 * scopes it needs in its description, and the middleware that checks them before its validators run.
 */
export function secured<R extends RouteConfig>(scopes: readonly Scope[], route: R, protection: Protection = {}) {
  const codes: ErrorCode[] = ['UNAUTHENTICATED', 'INVALID_TOKEN', 'FORBIDDEN', 'UNAVAILABLE'];
  if (protection.write) codes.push('RATE_LIMITED');
  if (protection.json) codes.push('UNSUPPORTED_MEDIA_TYPE');
  const middleware: MiddlewareHandler<AppEnv>[] = [requireScopes(...scopes), ...(protection.json ? [jsonOnly] : [])];
  const needs = `Needs a bearer token with the scope ${scopes.map((s) => `\`${s}\``).join(' or ')}.`;
  return {
    ...route,
    description: route.description === undefined ? needs : `${route.description} ${needs}`,
    security: [{ [bearerScheme]: [] }],
    middleware,
    responses: { ...errorResponses(...codes), ...route.responses },
  };
}
