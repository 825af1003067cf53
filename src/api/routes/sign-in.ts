// GET/POST /signin, POST /signout: an operator pastes a token once, and the browser keeps it as the codec endpoint's cookie.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { decodeJwt } from 'jose';
import { z } from 'zod';
import type { AppEnv } from '../app-env.js';
import { requireScope } from '../auth/authenticator.js';
import {
  clearedOperatorCookieHeader,
  legacyOperatorCookiePath,
  operatorCookieHeader,
} from '../auth/operator-cookie.js';
import { Scopes } from '../auth/principal.js';
import type { AppDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { sameOrigin } from '../middleware/same-origin.js';

const SignInSchema = z.object({ token: z.string().trim().min(1, 'paste an operator token').max(8_192) });

/** What the page says after an attempt. */
interface Outcome {
  status: 200 | 400 | 401 | 403 | 415;
  message: string;
  operator?: string;
  expiresAt?: string;
}

/**
 * The token travels in a POST body, never in a URL (URLs end up in logs and browser history). The page itself
 * verifies nothing: the API verifies the token exactly as a bearer token (src/api/auth/), and only an operator's
 * becomes the cookie. Another site's form cannot sign a browser in or out: a POST whose `Origin` is not this API's
 * own is refused.
 */
export function signInRoutes(deps: AppDeps) {
  const { authenticator } = deps.auth;
  const uiUrl = deps.config.TEMPORAL_UI_URL;

  const signIn = async (c: Context<AppEnv>): Promise<Outcome> => {
    sameOrigin(c);
    const type = c.req.header('content-type') ?? '';
    let fields: unknown;
    if (/^application\/x-www-form-urlencoded\b/i.test(type)) fields = await c.req.parseBody();
    else if (/^application\/json\b/i.test(type)) {
      fields = await c.req.json().catch(() => {
        throw new ApiError('MALFORMED_JSON', 'The request body is not valid JSON');
      });
    } else {
      throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the token as a form field or JSON `{ "token": "..." }`');
    }
    const parsed = SignInSchema.safeParse(fields);
    if (!parsed.success) {
      throw new ApiError('VALIDATION_FAILED', 'body.token: paste an operator token', [
        { path: 'body.token', message: parsed.error.issues[0]?.message ?? 'required' },
      ]);
    }
    const { token } = parsed.data;
    const principal = await authenticator.authenticate(new Headers({ authorization: `Bearer ${token}` }));
    requireScope(principal, Scopes.operate);
    // Verified above, so `exp` is there and in the future (the verifier requires it).
    const exp = decodeJwt(token).exp ?? 0;
    c.header('Set-Cookie', operatorCookieHeader(token, exp - Date.now() / 1000, isHttps(c)));
    c.header('Set-Cookie', clearedOperatorCookieHeader(isHttps(c), legacyOperatorCookiePath), { append: true });
    const expiresAt = new Date(exp * 1000).toISOString();
    return {
      status: 200,
      message: `Signed in as ${principal.subject} until ${expiresAt}.`,
      operator: principal.subject,
      expiresAt,
    };
  };

  return new Hono<AppEnv>()
    .get('/signin', (c) => page(c, uiUrl))
    .post('/signin', async (c) => {
      const wantsJson = /^application\/json\b/i.test(c.req.header('content-type') ?? '');
      try {
        const outcome = await signIn(c);
        if (wantsJson) return c.json({ operator: outcome.operator, expiresAt: outcome.expiresAt }, 200);
        return page(c, uiUrl, outcome);
      } catch (error) {
        if (wantsJson || !(error instanceof ApiError)) throw error;
        // The form gets the page again with what went wrong, and the same status an API client would.
        const status = error.status as Outcome['status'];
        return page(c, uiUrl, { status, message: error.message });
      }
    })
    .post('/signout', (c) => {
      sameOrigin(c);
      c.header('Set-Cookie', clearedOperatorCookieHeader(isHttps(c)));
      c.header('Set-Cookie', clearedOperatorCookieHeader(isHttps(c), legacyOperatorCookiePath), { append: true });
      if (/^application\/json\b/i.test(c.req.header('content-type') ?? '')) return c.body(null, 204);
      return page(c, uiUrl, { status: 200, message: 'Signed out: the Web UI shows payloads encrypted again.' });
    });
}

/** Reached over HTTPS, directly or through a proxy that says so: then the cookie is `Secure`. */
function isHttps(c: Context<AppEnv>): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https';
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/** One self-contained page, no script: a form for the token, one to sign out, and what happened last. */
function page(c: Context<AppEnv>, uiUrl: string, outcome?: Outcome) {
  const note = outcome
    ? `<p class="${outcome.status === 200 ? 'ok' : 'error'}" role="status">${escape(outcome.message)}</p>`
    : '';
  const ui = escape(uiUrl);
  c.header('Cache-Control', 'no-store');
  return c.html(
    `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>order-saga: operator sign-in</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem}
textarea{width:100%;font:13px monospace}.ok{color:#0a6b2d}.error{color:#a40e26}</style></head>
<body><h1>Operator sign-in</h1>
${note}
<p>Paste an operator token (<code>npm run -s token -- --operator alice</code> locally). The API verifies it and keeps
it in this browser as a cookie only the <a href="/console">console</a> and the codec endpoint read, so the Temporal Web UI
(<a href="${ui}">${ui}</a>) shows order payloads decrypted: it sends the cookie with its codec calls (configured with
<code>includeCredentials</code>; docs/security.md).</p>
<form method="post" action="/signin"><label for="token">Operator token</label>
<textarea id="token" name="token" rows="6" required autocomplete="off" spellcheck="false"></textarea>
<p><button type="submit">Sign in</button></p></form>
<form method="post" action="/signout"><button type="submit">Sign out</button></form>
<p><a href="/console">Open the console</a></p>
</body></html>
`,
    outcome?.status ?? 200,
  );
}
