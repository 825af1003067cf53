// A per-principal limit on writes: past the burst, each principal gets API_WRITE_RATE writes a second, else 429.
import type { MiddlewareHandler } from 'hono';
import { TokenBuckets } from '../../lib/token-buckets.js';
import type { AppEnv } from '../app-env.js';
import { principalKey } from '../auth/principal.js';
import { ApiError } from '../errors.js';
import { cookieRoutesPrefix } from './authenticate.js';

const reads: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Runs after authentication, before any route reads the body: a flood of writes costs a map lookup each, and
 * reaches neither Temporal nor the stores. Counted in this process only (several API replicas each count their
 * own; docs/security.md), keyed by the principal, so one customer's loop cannot slow another customer down.
 */
export function writeRateLimit(options: { ratePerSecond: number; burst: number }): MiddlewareHandler<AppEnv> {
  const buckets = new TokenBuckets(options.ratePerSecond, options.burst);
  return async (c, next) => {
    const principal = c.get('principal');
    // The codec endpoint changes nothing, and the Web UI asks it once per payload it shows: a page of history is
    // dozens of calls in a second.
    if (principal !== undefined && !reads.has(c.req.method) && !c.req.path.startsWith(cookieRoutesPrefix)) {
      const waitSeconds = buckets.take(principalKey(principal));
      if (waitSeconds > 0) {
        const retryAfter = String(Math.max(1, Math.ceil(waitSeconds)));
        throw new ApiError('RATE_LIMITED', `Too many writes; retry in ${retryAfter} s`, undefined, {
          headers: { 'Retry-After': retryAfter },
        });
      }
    }
    await next();
  };
}
