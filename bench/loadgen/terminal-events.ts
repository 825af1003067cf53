// Watches NATS for orders' terminal events (OrderCompleted / OrderFailed / OrderCancelled) and notes when each order's first arrived.
import { connect } from '@nats-io/transport-node';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { terminalEvents, type TerminalEvent } from './mix.js';

export interface TerminalObservation {
  event: TerminalEvent;
  /** Milliseconds on the run's clock (`now()` given to the watcher). */
  at: number;
}

/**
 * A core NATS subscription per terminal event name, on `orders.*.<EventName>`. The publishers' JetStream publishes
 * are ordinary messages on those subjects, so a core subscriber sees each one as it is stored, with no consumer left
 * on the server. It must be subscribed (and flushed) before the first order is sent. A retried publish whose copy
 * the stream dropped can still reach a core subscriber twice: only an order's first terminal event counts.
 */
export class TerminalEventWatcher {
  private readonly seen = new Map<string, TerminalObservation>();
  private readonly waiters = new Set<() => void>();
  private duplicates = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly subscriptions: Subscription[],
    private readonly now: () => number,
  ) {}

  static async start(natsUrl: string, now: () => number): Promise<TerminalEventWatcher> {
    const nc = await connect({ servers: natsUrl, name: 'order-saga:loadgen', maxReconnectAttempts: -1 });
    const watcher = new TerminalEventWatcher(nc, [], now);
    for (const event of terminalEvents) {
      watcher.subscriptions.push(
        nc.subscribe(`orders.*.${event}`, {
          callback: (error, msg) => {
            if (!error) watcher.observe(msg.subject.split('.')[1] ?? '', event);
          },
        }),
      );
    }
    // The server has registered the subscriptions once it answers a ping sent after them.
    await nc.flush();
    return watcher;
  }

  private observe(orderId: string, event: TerminalEvent): void {
    if (this.seen.has(orderId)) {
      this.duplicates += 1;
      return;
    }
    this.seen.set(orderId, { event, at: this.now() });
    for (const wake of this.waiters) wake();
  }

  get(orderId: string): TerminalObservation | undefined {
    return this.seen.get(orderId);
  }

  /** Terminal events that repeated an order's first one (a publish retried after the stream stored it). */
  get duplicateCount(): number {
    return this.duplicates;
  }

  /** Resolves once every order in `orderIds` has a terminal event, or after `timeoutMs`; returns those still missing. */
  async waitForAll(orderIds: Iterable<string>, timeoutMs: number): Promise<string[]> {
    const missing = new Set([...orderIds].filter((id) => !this.seen.has(id)));
    if (missing.size === 0) return [];
    await new Promise<void>((resolve) => {
      const check = () => {
        for (const id of missing) if (this.seen.has(id)) missing.delete(id);
        if (missing.size === 0) finish();
      };
      const timer = setTimeout(() => finish(), timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
    return [...missing];
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await this.nc.close();
  }
}
