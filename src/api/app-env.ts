// The Hono environment every route and middleware of the API shares: what each request carries.
import type { RequestIdVariables } from 'hono/request-id';
import type { Principal } from './auth/principal.js';

/**
 * `requestId` is set first thing for every request, so error bodies and logs can always name it; `principal`
 * by the authentication middleware on every route that is not open (src/api/middleware/authenticate.ts).
 */
export interface AppEnv {
  Variables: RequestIdVariables & { principal?: Principal };
}
