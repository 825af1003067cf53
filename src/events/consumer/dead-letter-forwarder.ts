// Turns the server's max-deliveries advisories for one consumer into dead letters carrying the original event and its last error.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import type { JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import { publishDeadLetter } from '../nats/dead-letters.js';
import type { EventSettings } from '../nats/settings.js';
import { ADVISORY_STREAM, deadLetterForwarderName } from '../nats/topology.js';
import type { FailureLog } from './failure-log.js';
import { runConsumeLoop } from './subscriber.js';

/** The fields of `io.nats.jetstream.advisory.v1.max_deliver` this forwarder uses. */
const maxDeliverAdvisory = z.object({
  stream: z.string().min(1),
  consumer: z.string().min(1),
  stream_seq: z.number().int().positive(),
  deliveries: z.number().int(),
});

export interface ForwarderOptions {
  nc: NatsConnection;
  consumer: string;
  settings: EventSettings;
  failures: FailureLog;
  logger: Logger;
}

export interface DeadLetterForwarder {
  readonly forwarded: () => number;
  stop(): Promise<void>;
}

/**
 * When an event exhausts `max_deliver`, the server stops delivering it and publishes an advisory; the
 * ORDERS_ADVISORIES stream keeps it, so it is not lost while no instance runs. This loop (a durable shared by
 * the service's instances) reads the original event by stream sequence, adds the last error from the failure
 * log, and publishes it to the DLQ. The DLQ's message ID makes a repeated forward harmless. The event log
 * itself is untouched, and the consumer moved on long before: other events kept flowing meanwhile.
 */
export async function startDeadLetterForwarder(options: ForwarderOptions): Promise<DeadLetterForwarder> {
  const { nc, consumer, settings, failures } = options;
  const logger = options.logger.child({ consumer, role: 'dead-letters' });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const messages = await (
    await js.consumers.get(ADVISORY_STREAM, deadLetterForwarderName(consumer))
  ).consume({
    max_messages: 10,
  });
  let forwarded = 0;

  const forward = async (m: JsMsg) => {
    const advisory = maxDeliverAdvisory.safeParse(safeJson(m.data));
    if (!advisory.success) {
      logger.warn({ subject: m.subject }, 'not a max-deliveries advisory: ignored');
      m.term('not a max-deliveries advisory');
      return;
    }
    const { stream, stream_seq: streamSeq, deliveries } = advisory.data;
    // null means the message is gone; any other error propagates, so the advisory is nak'ed and retried.
    const original = await jsm.streams.getMessage(stream, { seq: streamSeq });
    if (original === null) {
      logger.warn(
        { stream, streamSeq },
        'the exhausted event is gone from its stream (max age?): nothing to dead-letter',
      );
      m.ack();
      return;
    }
    const last = await failures.last(consumer, streamSeq);
    await publishDeadLetter(
      js,
      {
        consumer,
        stream,
        streamSeq,
        subject: original.subject,
        data: original.data,
        deliveries,
        reason: 'max-deliveries',
        error: last?.error ?? 'no handler error recorded: every delivery timed out (ack wait)',
        originalHeaders: original.header,
      },
      settings.publishTimeoutMs,
    );
    m.ack();
    forwarded++;
    logger.warn(
      { stream, streamSeq, subject: original.subject, deliveries, error: last?.error },
      'event dead-lettered',
    );
    await failures.clear(consumer, streamSeq).catch(() => undefined);
  };

  const loop = runConsumeLoop(messages, logger, forward, (m, error) => {
    logger.error({ err: error }, 'could not dead-letter: will retry');
    m.nak(1_000);
  });

  return {
    forwarded: () => forwarded,
    stop: () => loop.stop(),
  };
}

function safeJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
