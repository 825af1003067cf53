// Structured JSON logging (pino) for every process; one logger per process, children per component.
import { pino, type DestinationStream, type Logger } from 'pino';
import { traceLogFields } from './tracing/trace-context.js';

export type { Logger };

/**
 * Creates the process logger; `name` says which role wrote a line when several roles share stdout. The level comes
 * from LOG_LEVEL (src/config/env.ts). `destination` is stdout unless given: the tests write through the console, so
 * the test runner can tell which test a line belongs to. A line written inside a traced span carries its `trace_id`
 * and `span_id`, so a log search and the trace viewer meet (docs/observability.md).
 */
export function createLogger(name: string, level = 'info', destination?: DestinationStream): Logger {
  const options = { name, level, mixin: traceLogFields };
  return destination ? pino(options, destination) : pino(options);
}
