// The loop every durable subscriber runs: one message at a time, failures contained, broken consumers reported.
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import type { Logger } from '../../logger.js';

/** Notifications that mean the subscriber will get nothing until someone acts; the rest are routine. */
const alarming = new Set(['consumer_not_found', 'stream_not_found', 'consumer_deleted', 'heartbeats_missed']);

export interface ConsumeLoop {
  /** Stops pulling and resolves once the message in hand is finished. */
  stop(): Promise<void>;
}

/**
 * Runs `handle` for each message in turn. A handler that throws gets `onError` (which naks); an ack or nak
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
