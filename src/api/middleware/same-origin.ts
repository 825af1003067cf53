// Refuses a browser POST another site's page sent: the sign-in form and the console's actions act on what the browser holds.
import type { Context } from 'hono';
import { ApiError } from '../errors.js';

/**
 * A browser's POST says where its page came from (`Origin`); one from another origin is another site's form, and
 * is refused (403) before it reads the body. Requests without an `Origin` (curl, older browsers on same-origin forms)
 * pass: for the cookie routes the SameSite=Strict cookie is the other half of the guard.
 */
export function sameOrigin(c: Context): void {
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return;
  const host = c.req.header('host');
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new ApiError('FORBIDDEN', 'Origin: not a URL');
  }
  if (host === undefined || originHost !== host) {
    throw new ApiError('FORBIDDEN', `Origin: ${origin} may not send this here; open this page on the API itself`);
  }
}
