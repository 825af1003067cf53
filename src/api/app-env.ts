// The Hono environment every route and middleware of the API shares: what each request carries.
import type { RequestIdVariables } from 'hono/request-id';

/** `requestId` is set first thing for every request, so error bodies and logs can always name it. */
export interface AppEnv {
  Variables: RequestIdVariables;
}
