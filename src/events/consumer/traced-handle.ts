// Handles one delivered event as a span continuing the trace the event carries (the relay's publish span).
import { SpanKind } from '@opentelemetry/api';
import { contextOfTraceparent } from '../../tracing/trace-context.js';
import { inSpan } from '../../tracing/spans.js';
import type { ParsedEvent } from '../envelope.js';
import type { EventHandler, EventMeta } from './subscriber.js';

/**
 * A child of `traceparent` (the message header the relay set, else the envelope's extension): the subscriber's work
 * appears in the order's trace under the publish of the event it handled. A redelivery is another child, so retries
 * show as such. An event without trace context starts no span (nothing to attach it to, and tracing off costs nothing).
 */
export function handleTraced(
  handler: EventHandler,
  event: ParsedEvent,
  meta: EventMeta,
  traceparent: string | undefined,
): Promise<void> {
  if (traceparent === undefined) return handler.handle(event, meta);
  return inSpan(
    `process ${event.name} ${handler.consumer}`,
    {
      kind: SpanKind.CONSUMER,
      parent: contextOfTraceparent(traceparent),
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'process',
        'messaging.consumer.group.name': handler.consumer,
        'messaging.destination.name': meta.subject,
        'messaging.message.id': event.envelope.id,
        'messaging.nats.stream_sequence': meta.streamSeq,
        'messaging.nats.delivery_count': meta.deliveryCount,
      },
    },
    () => handler.handle(event, meta),
  );
}
