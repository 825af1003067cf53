// The JetStream settings of the event streams and consumers, converted once from the configuration's durations.
import ms from 'ms';
import type { StringValue } from 'ms';
import type { Config } from '../../config/env.js';

/**
 * Converts a configuration duration (`500ms`, `30s`, `15m`, `24h`, `7d`) to milliseconds. The configuration schema
 * has already checked the format; `ms` answers NaN (or undefined) for anything it cannot read, which is refused here.
 */
export function durationToMs(duration: string): number {
  const value = ms(duration as StringValue) as number | undefined;
  if (value === undefined || !Number.isFinite(value)) throw new RangeError(`not a duration: ${duration}`);
  return value;
}

/**
 * Everything the stream topology, the publisher and the subscribers need to agree on. Tests build one with
 * small numbers (`max_deliver` 3, backoff in milliseconds) so a poison message is dead-lettered in a second.
 */
export interface EventSettings {
  maxAgeMs: number;
  replicas: number;
  duplicateWindowMs: number;
  publishTimeoutMs: number;
  ackWaitMs: number;
  maxDeliver: number;
  /** The nak delay before delivery n+1 is `retryBackoffMs[n-1]` (the last entry repeats). */
  retryBackoffMs: number[];
  fetchBatch: number;
  /**
   * How long a subscriber keeps inbox rows (and untouched failure-log rows) before pruning them; absent, nothing is
   * pruned (tests that build their own settings and do not look at pruning).
   */
  inboxRetentionMs?: number;
}

/** The settings the environment asks for. */
export function eventSettingsFromConfig(config: Config): EventSettings {
  return {
    maxAgeMs: durationToMs(config.EVENTS_MAX_AGE),
    replicas: config.EVENTS_REPLICAS,
    duplicateWindowMs: durationToMs(config.EVENTS_DUPLICATE_WINDOW),
    publishTimeoutMs: durationToMs(config.EVENTS_PUBLISH_TIMEOUT),
    ackWaitMs: durationToMs(config.EVENTS_ACK_WAIT),
    maxDeliver: config.EVENTS_MAX_DELIVER,
    retryBackoffMs: config.EVENTS_RETRY_BACKOFF.map(durationToMs),
    fetchBatch: config.EVENTS_FETCH_BATCH,
    inboxRetentionMs: durationToMs(config.INBOX_RETENTION),
  };
}

/** How long to wait before redelivering a message whose `deliveryCount`-th handling failed. */
export function retryDelayMs(settings: Pick<EventSettings, 'retryBackoffMs'>, deliveryCount: number): number {
  const { retryBackoffMs } = settings;
  return retryBackoffMs[Math.min(Math.max(deliveryCount, 1), retryBackoffMs.length) - 1] ?? 0;
}
