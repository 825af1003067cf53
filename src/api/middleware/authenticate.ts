// Every request needs a valid bearer token, except on the few open routes; the principal goes on the context.
import type { Context, MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { jwksPath } from '../auth/api-auth.js';
import type { Authenticator } from '../auth/authenticator.js';
import { requireScope } from '../auth/authenticator.js';
import type { Principal, Scope } from '../auth/principal.js';
import { ApiError } from '../errors.js';

/**
 * The routes anyone may read: probes, the API's description, the event contract, the local issuer's public keys
 * and the catalogue.
 * Everything else, including paths no route serves, needs a token: the list of what is open is this one set,
 * so a new route is protected unless someone adds it here.
 */
export const openRoutes: ReadonlySet<string> = new Set([
  '/healthz',
  '/readyz',
  '/openapi.json',
  '/asyncapi.json',
  '/docs',
  jwksPath,
  '/products',
  '/signin',
]);

/**
 * The POSTs anyone may send: the sign-in form verifies the token it is given itself, and signing out needs none.
 * Both refuse another site's form (src/api/routes/sign-in.ts).
 */
export const openWrites: ReadonlySet<string> = new Set(['/signin', '/signout']);

/** Routes a browser page calls with the sign-in cookie instead of a header: the codec endpoint the Web UI uses. */
export const cookieRoutesPrefix = '/codec/';

/** The operator's console (src/api/routes/console.ts): pages a signed-in browser opens, so they read the cookie too. */
export const consolePath = '/console';

/** Whether a path is one of the console's: `/console` itself or anything under `/console/`. */
export function isConsolePath(path: string): boolean {
  return path === consolePath || path.startsWith(`${consolePath}/`);
}

/** Whether the sign-in cookie counts on this path: the codec endpoint and the console, nowhere else. */
export function readsCookie(path: string): boolean {
  return path.startsWith(cookieRoutesPrefix) || isConsolePath(path);
}

/**
 * Authenticates every request that is not a GET (or HEAD) of an open route: 401 before any route code runs. Under
 * `cookieRoutesPrefix` and on the console's pages, `withCookie` also reads the sign-in cookie; everywhere else only
 * the bearer header counts, so the cookie can never authorise an API call (the console's own forms act through the
 * same code as the API's action routes, after their own checks: src/api/routes/console.ts).
 */
export function authenticate(authenticator: Authenticator, withCookie?: Authenticator): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const read = c.req.method === 'GET' || c.req.method === 'HEAD';
    const open = read ? openRoutes.has(c.req.path) : c.req.method === 'POST' && openWrites.has(c.req.path);
    if (!open) {
      const chosen = withCookie !== undefined && readsCookie(c.req.path) ? withCookie : authenticator;
      c.set('principal', await chosen.authenticate(c.req.raw.headers));
    }
    await next();
  };
}

/** The request's principal; a protected route always has one, so its absence is a bug (500), never an open door. */
export function principalOf(c: Context<AppEnv>): Principal {
  const principal = c.get('principal');
  if (principal === undefined) throw new Error(`no principal on ${c.req.method} ${c.req.path}: not authenticated`);
  return principal;
}

/** A route's own check, before its validators: 403 unless the principal holds one of `scopes`. */
export function requireScopes(...scopes: Scope[]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    requireScope(principalOf(c), ...scopes);
    await next();
  };
}

/** 403 for a principal acting on what is not theirs, where saying so leaks nothing (their own ID in the path). */
export function notYours(what: string): ApiError {
  return new ApiError('FORBIDDEN', `A customer may only see ${what} of their own`);
}
