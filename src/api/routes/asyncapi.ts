// GET /asyncapi.json: the event contract (AsyncAPI 3), built from the same catalogue the services validate events with.
import { Hono } from 'hono';
import type { AppEnv } from '../app-env.js';
import { asyncApiDocument } from '../../events/contract/asyncapi.js';

/**
 * Open like /openapi.json: a team that consumes the events reads the contract without an account. Built once from
 * the code, so the document served is the one this build validates with (docs/asyncapi.yaml is the same, committed).
 */
export function asyncApiRoutes() {
  let document: Record<string, unknown> | undefined;
  return new Hono<AppEnv>().get('/asyncapi.json', (c) => c.json((document ??= asyncApiDocument())));
}
