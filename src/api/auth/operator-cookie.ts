// The sign-in cookie: an operator's token kept by the browser for the codec endpoint (the Web UI calls it without headers of its own) and the console.
import { cookieToken } from './credentials.js';
import type { CredentialSource } from './credentials.js';

/** The cookie's name. */
export const operatorCookieName = 'order_saga_operator';

/**
 * The codec endpoint (`/codec`) and the console (`/console`) read it, and a cookie has one path, so it is `/`: the
 * browser sends it with every request to the API, and every other route ignores it (only the bearer header counts
 * there: src/api/middleware/authenticate.ts), so it can never authorise an API call.
 */
export const operatorCookiePath = '/';

/** Where releases up to 0.4.0 kept it; signing in or out clears a cookie left there. */
export const legacyOperatorCookiePath = '/codec';

/** Where the codec endpoint finds a browser's credentials. */
export const operatorCookie: CredentialSource = cookieToken(operatorCookieName);

/**
 * `HttpOnly`: no script, on any page, can read the token. `SameSite=Strict`: the browser sends it only on requests
 * from the same site (the Web UI on `localhost` calling the API on `localhost`; ports do not count), never on a
 * request another site starts, not even a link followed to the API. Lax would add those top-level navigations,
 * which nothing here needs. `Secure` when the API is reached over HTTPS. It lives as long as the token.
 */
export function operatorCookieHeader(
  token: string,
  maxAgeSeconds: number,
  secure: boolean,
  path: string = operatorCookiePath,
): string {
  return [
    `${operatorCookieName}=${token}`,
    `Path=${path}`,
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** Clears the cookie (sign-out): same name and path, expired. */
export function clearedOperatorCookieHeader(secure: boolean, path: string = operatorCookiePath): string {
  return operatorCookieHeader('', 0, secure, path);
}
