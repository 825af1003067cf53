// The outbox relay a service process runs: publishes its store's pending events to JetStream, backs off while NATS is down, prunes what was sent.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../../config/env.js';
import { engineOf } from '../../db/database.js';
import type { Logger } from '../../logger.js';
import { durationToMs } from '../nats/settings.js';
import type { EventPublisher } from '../publisher.js';
import type { Outbox } from './outbox.js';
import { claimPending, holdLease, markFailed, markSent, pruneSent, releaseLease } from './queue.js';
import type { Backlog } from './queue.js';
import { publishTraced } from './traced-publish.js';

export interface RelaySettings {
  /** How long an idle relay waits for a commit's nudge before it looks at the table anyway. */
  pollIntervalMs: number;
  /** Rows claimed and published per round. */
  batchSize: number;
  /** The first wait after a failed round; it doubles per failed round up to `retryMaxMs`. */
  retryInitialMs: number;
  retryMaxMs: number;
  /** How long a claim (and on SQLite the file's lease) holds; a crashed relay's rows are free again after it. */
  claimMs: number;
  /** Sent rows are deleted once this much older than their send: the stream's duplicate window. */
  pruneAfterMs: number;
  /** How often a non-empty backlog is logged (and sent rows are pruned). */
  backlogLogIntervalMs: number;
}

/** The settings the environment asks for; the claim outlasts a round's publishes (each bounded by the publish timeout). */
export function relaySettingsFromConfig(config: Config): RelaySettings {
  const publishTimeoutMs = durationToMs(config.EVENTS_PUBLISH_TIMEOUT);
  return {
    pollIntervalMs: durationToMs(config.OUTBOX_POLL_INTERVAL),
    batchSize: config.OUTBOX_BATCH_SIZE,
    retryInitialMs: 500,
    retryMaxMs: durationToMs(config.OUTBOX_RETRY_MAX),
    claimMs: Math.max(30_000, 3 * publishTimeoutMs),
    pruneAfterMs: durationToMs(config.EVENTS_DUPLICATE_WINDOW),
    backlogLogIntervalMs: durationToMs(config.OUTBOX_BACKLOG_LOG_INTERVAL),
  };
}

export interface OutboxRelayOptions {
  outbox: Outbox;
  /** Resolves with the publisher once NATS is reachable; a rejection counts as a failed round, retried later. */
  publisher: () => Promise<EventPublisher>;
  settings: RelaySettings;
  logger: Logger;
}

/** What one round did. `standby`: another process holds this SQLite file's lease. */
export interface RoundResult {
  published: number;
  failed: number;
  /** A full batch was claimed: there may be more, so the next round starts at once. */
  full: boolean;
  standby: boolean;
  /** The first publish error of the round, when some failed. */
  error?: unknown;
}

/** A pause after `failures` failed rounds in a row: doubling from the first wait, capped. */
export function backoffMs(settings: Pick<RelaySettings, 'retryInitialMs' | 'retryMaxMs'>, failures: number): number {
  return Math.min(settings.retryMaxMs, settings.retryInitialMs * 2 ** Math.max(0, failures - 1));
}

/**
 * Publishes every row of one outbox, once the row is committed, with `Nats-Msg-Id` = the event ID, and marks it sent
 * when the stream acknowledges it. An idle relay wakes on the store's nudge after a commit, or polls. A failed round
 * (NATS down, no acknowledgement) leaves its rows pending and backs off, doubling to a cap; the outage is logged once
 * when it starts and once when it ends, and the backlog periodically while it lasts. Rows are never lost: nothing but
 * an acknowledgement marks them sent, and a relay that dies mid-round leaves claims that lapse.
 *
 * Several replicas are safe. On PostgreSQL every replica's relay claims disjoint rows (`FOR UPDATE SKIP LOCKED`); on
 * SQLite one process per file holds the lease and the others stand by. A duplicate (an acknowledgement lost, then the
 * row published again) is dropped by the stream, which de-duplicates on the ID within its window; rows are pruned
 * only after that window.
 */
export class OutboxRelay {
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly engine;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private failures = 0;
  private outageSince: number | undefined;
  private publishedInOutage = 0;
  private lastHousekeeping = 0;
  private readonly logger: Logger;

  constructor(private readonly options: OutboxRelayOptions) {
    this.engine = engineOf(options.outbox.db);
    this.logger = options.logger.child({ outbox: options.outbox.service });
  }

  /** Runs rounds in the background until `stop`. */
  start(): this {
    this.loop ??= this.run();
    return this;
  }

  /** Finishes the round in hand, gives the SQLite lease up, and resolves. Pending rows stay for the next start. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    if (this.engine === 'sqlite') await releaseLease(this.options.outbox.db, this.holder).catch(() => undefined);
  }

  /** One round: claim up to a batch, publish it, mark each row sent or failed. */
  async round(now = new Date()): Promise<RoundResult> {
    const { outbox, settings } = this.options;
    const until = new Date(now.getTime() + settings.claimMs);
    if (this.engine === 'sqlite' && !(await holdLease(outbox.db, this.holder, now, until))) {
      return { published: 0, failed: 0, full: false, standby: true };
    }
    const claimed = await claimPending(outbox.db, this.holder, now, until, settings.batchSize);
    if (claimed.length === 0) return { published: 0, failed: 0, full: false, standby: false };
    let publisher: EventPublisher;
    try {
      publisher = await this.options.publisher();
    } catch (error) {
      await markFailed(outbox.db, ids(claimed), this.holder, errorText(error));
      throw error;
    }
    const outcomes = await Promise.allSettled(claimed.map((row) => publishTraced(publisher, row.message)));
    const sent = claimed.filter((_, i) => outcomes[i]?.status === 'fulfilled');
    const failed = outcomes.flatMap((o, i) =>
      o.status === 'rejected' ? [{ row: claimed[i]!, error: o.reason as unknown }] : [],
    );
    await markSent(outbox.db, ids(sent), new Date());
    for (const [error, rows] of groupByError(failed)) await markFailed(outbox.db, rows, this.holder, error);
    const result: RoundResult = {
      published: sent.length,
      failed: failed.length,
      full: claimed.length === settings.batchSize,
      standby: false,
    };
    if (failed.length > 0) result.error = failed[0]?.error;
    return result;
  }

  /** Rounds until nothing is pending (or a round fails); resolves with the number published. For tests and tools. */
  async drain(): Promise<number> {
    let published = 0;
    for (;;) {
      const result = await this.round();
      published += result.published;
      if (result.failed > 0 || result.standby || result.published === 0) return published;
    }
  }

  /** Deletes rows sent longer ago than the duplicate window. */
  prune(now = new Date()): Promise<number> {
    return pruneSent(this.options.outbox.db, new Date(now.getTime() - this.options.settings.pruneAfterMs));
  }

  private async run(): Promise<void> {
    const { outbox, settings } = this.options;
    const stop = this.stopping.signal;
    while (!stop.aborted) {
      let delay = settings.pollIntervalMs;
      let nudgeable = true;
      try {
        await this.housekeeping();
        const result = await this.round();
        if (result.failed > 0) {
          throw result.error instanceof Error ? result.error : new Error(`${result.failed} event(s) not acknowledged`);
        }
        this.recovered(result.published);
        if (result.full) delay = 0;
      } catch (error) {
        this.failures++;
        delay = backoffMs(settings, this.failures);
        // While publishing fails, new commits must not cut the backoff short.
        nudgeable = false;
        await this.outage(error);
      }
      if (stop.aborted) break;
      if (delay === 0) continue;
      if (nudgeable) await outbox.signal.wait(delay, stop);
      else await sleep(delay, stop);
    }
  }

  private recovered(published: number): void {
    this.failures = 0;
    if (this.outageSince === undefined) return;
    this.publishedInOutage += published;
    this.logger.info(
      { outageMs: Date.now() - this.outageSince, published: this.publishedInOutage },
      'publishing events again',
    );
    this.outageSince = undefined;
    this.publishedInOutage = 0;
  }

  private async outage(error: unknown): Promise<void> {
    if (this.outageSince !== undefined) return;
    this.outageSince = Date.now();
    const backlog = await this.options.outbox.backlog().catch(() => undefined);
    this.logger.warn(
      { err: error, ...(backlog && backlogFields(backlog)) },
      'cannot publish events (is NATS up?): they wait in the outbox; retrying with backoff',
    );
  }

  /** Every backlog interval: prunes sent rows, and logs the backlog while it is not empty. */
  private async housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - this.lastHousekeeping < this.options.settings.backlogLogIntervalMs) return;
    this.lastHousekeeping = now;
    const pruned = await this.prune();
    if (pruned > 0) this.logger.debug({ pruned }, 'pruned sent events');
    const backlog = await this.options.outbox.backlog();
    if (backlog.pending > 0) this.logger.info(backlogFields(backlog), 'events waiting in the outbox');
  }
}

/** Starts a relay over `outbox` in the background. */
export function startOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  return new OutboxRelay(options).start();
}

function backlogFields(backlog: Backlog): Record<string, unknown> {
  return {
    pending: backlog.pending,
    ...(backlog.oldestPendingAt === undefined
      ? {}
      : { oldestAgeMs: Math.max(0, Date.now() - Date.parse(backlog.oldestPendingAt)) }),
  };
}

function ids(rows: readonly { message: { id: string } }[]): string[] {
  return rows.map((r) => r.message.id);
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.replace(/[\r\n]+/g, ' ').slice(0, 1_000);
}

function groupByError(failed: readonly { row: { message: { id: string } }; error: unknown }[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const { row, error } of failed) {
    const text = errorText(error);
    groups.set(text, [...(groups.get(text) ?? []), row.message.id]);
  }
  return groups;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
