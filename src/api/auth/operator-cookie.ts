// The sign-in cookie: an operator's token kept by the browser for the codec endpoint, which the Web UI calls without headers of its own.
import { cookieToken } from './credentials.js';
import type { CredentialSource } from './credentials.js';

/** The cookie's name. */
export const operatorCookieName = 'order_saga_operator';

/** Sent only with requests to the codec endpoint: no other route reads it, so no other route ever gets it. */
export const operatorCookiePath = '/codec';

/** Where the codec endpoint finds a browser's credentials. */
export const operatorCookie: CredentialSource = cookieToken(operatorCookieName);

/**
 * `HttpOnly`: no script, on any page, can read the token. `SameSite=Strict`: the browser sends it only on requests
 * from the same site (the Web UI on `localhost` calling the API on `localhost`; ports do not count), never on a
 * request another site starts, not even a link followed to the API. Lax would add those top-level navigations,
 * which nothing here needs. `Secure` when the API is reached over HTTPS. It lives as long as the token.
 */
export function operatorCookieHeader(token: string, maxAgeSeconds: number, secure: boolean): string {
  return [
    `${operatorCookieName}=${token}`,
    `Path=${operatorCookiePath}`,
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/** Clears the cookie (sign-out): same name and path, expired. */
export function clearedOperatorCookieHeader(secure: boolean): string {
  return operatorCookieHeader('', 0, secure);
}
