// Runs a piece of our own code (a relay's publish, a subscriber's handling) as a span of the trace it belongs to.
import { SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { Attributes, Context, Span, SpanKind } from '@opentelemetry/api';

/** The tracer of order-saga's own spans; the SDK's interceptors and Hono's middleware name their own. */
export const tracer = () => trace.getTracer('order-saga');

/**
 * Runs `fn` in a new active span under `parent`, ending it when `fn` settles; a throw marks the span failed and
 * propagates. With tracing off the tracer is the API's no-op and this is a plain call.
 */
export function inSpan<T>(
  name: string,
  options: { kind: SpanKind; attributes?: Attributes; parent: Context },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = tracer().startSpan(name, { kind: options.kind, attributes: options.attributes ?? {} }, options.parent);
  return context.with(trace.setSpan(options.parent, span), async () => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}
