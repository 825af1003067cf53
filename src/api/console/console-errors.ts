// Turns every error answer under /console (401 before sign-in, 404, 409, 500...) into a page in words, with the same status.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { isConsolePath } from '../middleware/authenticate.js';
import { errorPage } from './error-page.js';

/**
 * Installed before authentication, so it also sees the 401 the authentication middleware answers: the API's one
 * error path (src/api/errors.ts) renders the JSON body as always, and this replaces it, for a browser, with a page
 * that says the same thing and links on (to sign in, for a 401). The answer's status and headers stay. Console
 * pages are never cached: they show live orders and who is signed in.
 */
export function consoleErrorPages(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!isConsolePath(c.req.path)) return next();
    await next();
    c.header('Cache-Control', 'no-store');
    const res = c.res;
    if (res.status < 400 || !(res.headers.get('content-type') ?? '').startsWith('application/json')) return;
    const body = (await res
      .clone()
      .json()
      .catch(() => undefined)) as { error?: { code?: string; message?: string; requestId?: string } } | undefined;
    const page = await errorPage({
      status: res.status,
      code: body?.error?.code ?? 'INTERNAL',
      message: body?.error?.message ?? 'Something went wrong.',
      requestId: body?.error?.requestId,
    });
    const headers = new Headers(res.headers);
    headers.delete('content-length');
    headers.set('content-type', 'text/html; charset=UTF-8');
    c.res = undefined;
    c.res = new Response(page.toString(), { status: res.status, headers });
  };
}
