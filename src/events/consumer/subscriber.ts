// The generic consumer loop: parse, handle, ack; nak with backoff on failure; dead-letter what cannot be handled.
import { jetstream } from '@nats-io/jetstream';
import type { ConsumerMessages, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../../logger.js';
import { InvalidEventError, parseEnvelope } from '../envelope.js';
import type { ParsedEvent } from '../envelope.js';
import { RedriveHeaders } from '../nats/dead-letter-headers.js';
import type { DeadLetterReason } from '../nats/dead-letter-headers.js';
import { publishDeadLetter } from '../nats/dead-letters.js';
import { retryDelayMs } from '../nats/settings.js';
import type { EventSettings } from '../nats/settings.js';
import { ORDERS_STREAM } from '../nats/topology.js';
import { EventRejectedError } from './errors.js';
import type { FailureLog } from './failure-log.js';
import { handleTraced } from './traced-handle.js';

/** Where a delivered event sits in the stream and how often it has been delivered. */
export interface EventMeta {
  consumer: string;
  stream: string;
  /** This message's stream sequence. */
  streamSeq: number;
  /**
   * The event's place in the stream's order: its stream sequence, or for a re-driven copy the original's. Never
   * compared as such: `orderPosition(event, position)` (src/events/order-sequence.ts) ranks an order's events by the
   * workflow's sequence and falls back to this only for events that carry none (from before the sequence).
   */
  position: number;
  subject: string;
  /** 1 on first delivery. */
  deliveryCount: number;
}

/**
 * One service's reaction to events. `handle` must be idempotent on `event.envelope.id` (write the inbox row
 * in the same transaction as the effect) and throw to have the event redelivered later.
 */
export interface EventHandler {
  /** The durable consumer name, shared by every instance of the service; also its inbox scope. */
  readonly consumer: string;
  /** Server-side filter: only these subjects are delivered (wildcards allowed). */
  readonly filterSubjects: string[];
  handle(event: ParsedEvent, meta: EventMeta): Promise<void>;
}

/**
 * Where a delivered message sits in the stream, for `consumer`; undefined for a re-driven copy addressed to another
 * consumer (the others had handled the original and skip it unseen). A re-driven copy of an event without a sequence
 * takes the original's position (its `Redrive-Original-Seq` header), so projections order it where the original was;
 * a sequenced event is ordered by its sequence wherever it lands. The live subscriber and the rebuild both read
 * deliveries here.
 */
export function deliveryOf(m: JsMsg, consumer: string): EventMeta | undefined {
  const redriveFor = m.headers?.get(RedriveHeaders.for);
  if (redriveFor && redriveFor !== consumer) return undefined;
  const originalSeq = Number(m.headers?.get(RedriveHeaders.originalSeq) || 0);
  return {
    consumer,
    stream: m.info.stream,
    streamSeq: m.info.streamSequence,
    position: originalSeq > 0 ? originalSeq : m.info.streamSequence,
    subject: m.subject,
    deliveryCount: m.info.deliveryCount,
  };
}

/** Notifications that mean the subscriber will get nothing until someone acts; the rest are routine. */
const alarming = new Set(['consumer_not_found', 'stream_not_found', 'consumer_deleted', 'heartbeats_missed']);

export interface ConsumeLoop {
  /** Stops pulling and resolves once the message in hand is finished. */
  stop(): Promise<void>;
}

/**
 * The loop the subscriber below and the dead-letter forwarder both run: `handle` for each message in turn. A handler that throws gets `onError` (which naks); an ack or nak
 * that throws (the connection closing under us) is logged, not fatal; and a consumer that vanished is
 * logged as an error instead of stalling silently, since `consume()` only reports it through `status()`.
 */
export function runConsumeLoop(
  messages: ConsumerMessages,
  logger: Logger,
  handle: (m: JsMsg) => Promise<void>,
  onError: (m: JsMsg, error: unknown) => void,
): ConsumeLoop {
  let stopping = false;
  void (async () => {
    for await (const status of messages.status()) {
      if (alarming.has(status.type)) logger.error({ status }, 'consumer is not delivering');
    }
  })().catch(() => undefined);

  const loop = (async () => {
    for await (const m of messages) {
      // Resets the ack timer: a message that waited in the batch behind slow ones is not redelivered for it.
      m.working();
      try {
        await handle(m);
      } catch (error) {
        try {
          onError(m, error);
        } catch (nakError) {
          logger.warn({ err: nakError, subject: m.subject }, 'could not nak; the server will redeliver after ack wait');
        }
      }
    }
  })().catch((error: unknown) => {
    if (!stopping) logger.error({ err: error }, 'consumer loop ended unexpectedly');
  });

  return {
    async stop() {
      stopping = true;
      await messages.close();
      await loop;
    },
  };
}

export interface SubscriberOptions {
  nc: NatsConnection;
  handler: EventHandler;
  settings: EventSettings;
  failures: FailureLog;
  logger: Logger;
}

/** What this instance did, for logs and tests (competing instances each count their own). */
export interface SubscriberStats {
  handled: number;
  retried: number;
  deadLettered: number;
  /** Re-driven copies addressed to another consumer, acknowledged without handling. */
  skipped: number;
}

export interface Subscriber {
  readonly stats: SubscriberStats;
  /** Stops pulling, lets the event in hand finish, and resolves. Unacknowledged buffered events go to other instances after `ack_wait`. */
  stop(): Promise<void>;
}

/**
 * Pulls from the handler's durable (which must exist: see `ensureSubscriberConsumers`) one event at a time.
 * Sequential handling keeps each instance simple; throughput comes from running more instances, which
 * share the durable as competing consumers.
 */
export async function startSubscriber(options: SubscriberOptions): Promise<Subscriber> {
  const { nc, handler, settings } = options;
  const js = jetstream(nc);
  const consumer = await js.consumers.get(ORDERS_STREAM, handler.consumer);
  const messages: ConsumerMessages = await consumer.consume({ max_messages: settings.fetchBatch });
  const stats: SubscriberStats = { handled: 0, retried: 0, deadLettered: 0, skipped: 0 };
  const logger = options.logger.child({ consumer: handler.consumer });
  const loop = runConsumeLoop(
    messages,
    logger,
    (m) => handleMessage(m, { ...options, js, stats, logger }),
    (m, error) => {
      logger.error({ err: error, subject: m.subject }, 'unexpected failure: will retry');
      m.nak(retryDelayMs(settings, m.info.deliveryCount));
    },
  );
  return { stats, stop: () => loop.stop() };
}

interface LoopContext extends SubscriberOptions {
  js: JetStreamClient;
  stats: SubscriberStats;
}

async function handleMessage(m: JsMsg, context: LoopContext): Promise<void> {
  const { handler, settings, failures, logger, stats } = context;
  const meta = deliveryOf(m, handler.consumer);
  if (meta === undefined) {
    m.ack();
    stats.skipped++;
    return;
  }
  let event: ParsedEvent;
  try {
    event = parseEnvelope(m.data);
  } catch (error) {
    if (!(error instanceof InvalidEventError)) throw error;
    logger.warn({ subject: m.subject, seq: meta.streamSeq, err: error }, 'invalid event: dead-lettered');
    await deadLetterAndTerminate(m, meta, 'invalid-event', error.message, context);
    return;
  }
  try {
    await handleTraced(handler, event, meta, m.headers?.get('traceparent') || event.envelope.traceparent);
    m.ack();
    stats.handled++;
    if (meta.deliveryCount > 1) await failures.clear(handler.consumer, meta.streamSeq).catch(() => undefined);
  } catch (error) {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (error instanceof EventRejectedError) {
      logger.warn({ subject: m.subject, seq: meta.streamSeq, err: error }, 'event rejected: dead-lettered');
      await deadLetterAndTerminate(m, meta, 'rejected', message, context);
      return;
    }
    const delay = retryDelayMs(settings, meta.deliveryCount);
    logger.warn(
      { subject: m.subject, seq: meta.streamSeq, delivery: meta.deliveryCount, retryInMs: delay, err: error },
      'handler failed: will retry',
    );
    await failures
      .record({
        consumer: handler.consumer,
        streamSeq: meta.streamSeq,
        subject: m.subject,
        deliveries: meta.deliveryCount,
        error: message,
      })
      .catch((cause: unknown) => logger.error({ err: cause }, 'could not record the failure'));
    m.nak(delay);
    stats.retried++;
  }
}

/** Terminates only once the dead letter is stored; if the DLQ is unreachable the event is retried instead. */
async function deadLetterAndTerminate(
  m: JsMsg,
  meta: EventMeta,
  reason: DeadLetterReason,
  error: string,
  { js, settings, logger, stats }: LoopContext,
): Promise<void> {
  try {
    await publishDeadLetter(
      js,
      {
        consumer: meta.consumer,
        stream: meta.stream,
        streamSeq: meta.streamSeq,
        subject: m.subject,
        data: m.data,
        deliveries: meta.deliveryCount,
        reason,
        error,
        originalHeaders: m.headers,
      },
      settings.publishTimeoutMs,
    );
    m.term(`${reason}: ${error}`.slice(0, 200));
    stats.deadLettered++;
  } catch (cause) {
    logger.error({ err: cause, seq: meta.streamSeq }, 'could not dead-letter the event: will retry');
    m.nak(retryDelayMs(settings, meta.deliveryCount));
  }
}
