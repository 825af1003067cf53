// Publishes one outbox row as a span of the trace stored with it, and hands that span's context on in the message headers.
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import { contextOfTraceparent } from '../../tracing/trace-context.js';
import { inSpan } from '../../tracing/spans.js';
import type { EventMessage, EventPublisher } from '../publisher.js';

/**
 * The row's `traceparent` (the activity's span that made the effect) is the parent of a `publish` span; the message
 * goes out with the publish span's `traceparent` header, so each subscriber's span hangs under the publish. The
 * envelope's `traceparent` extension keeps the activity's, as committed. A row without one (tracing off when it was
 * written) is published untraced, exactly as stored.
 */
export function publishTraced(publisher: EventPublisher, message: EventMessage): Promise<void> {
  const stored = message.headers.traceparent;
  if (stored === undefined) return publisher.publish(message);
  return inSpan(
    `publish ${message.subject}`,
    {
      kind: SpanKind.PRODUCER,
      parent: contextOfTraceparent(stored),
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'send',
        'messaging.destination.name': message.subject,
        'messaging.message.id': message.id,
      },
    },
    (span) => {
      const headers = { ...message.headers };
      propagation.inject(trace.setSpan(context.active(), span), headers);
      return publisher.publish({ ...message, headers });
    },
  );
}
