// Log lines written inside a span carry its trace and span IDs, so a log search leads to the trace; outside one, none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { tracer } from '../../src/tracing/spans.js';
import { installMemoryTracing } from '../support/tracing.js';
import type { MemoryTracing } from '../support/tracing.js';

let tracing: MemoryTracing;
beforeAll(() => {
  tracing = installMemoryTracing();
});
afterAll(() => tracing?.stop());

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger('log-fields', 'info', {
    write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { logger, lines };
}

describe('the process logger', () => {
  it('adds trace_id and span_id inside a span, and nothing outside', () => {
    const { logger, lines } = capture();
    logger.info('before');
    const ids = tracer().startActiveSpan('work', (span) => {
      logger.child({ requestId: 'req-1' }).info('inside');
      span.end();
      return span.spanContext();
    });
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId, requestId: 'req-1' });
  });
});
