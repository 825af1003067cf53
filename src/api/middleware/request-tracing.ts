// A server span per request (Hono's OpenTelemetry middleware), named by route, carrying the request ID the client sees.
import { httpInstrumentationMiddleware } from '@hono/otel';
import { context, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';

/**
 * Continues a caller's `traceparent` or starts the order's trace: the Temporal client's spans (update-with-start)
 * and through them the workflow's hang under this span. `http.request.id` lets an operator go from a client's
 * `X-Request-Id` to the trace. Installed only while tracing is on (src/api/app.ts).
 */
export function requestTracing(): MiddlewareHandler<AppEnv>[] {
  const tagged: MiddlewareHandler<AppEnv> = async (c, next) => {
    trace.getSpan(context.active())?.setAttribute('http.request.id', c.get('requestId'));
    await next();
  };
  return [httpInstrumentationMiddleware({ captureActiveRequests: false }), tagged];
}
