// How load is offered: open-loop (a fixed schedule that never waits for answers) and closed-loop (N requests in flight).
import { performance } from 'node:perf_hooks';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A clock in milliseconds since the run started, shared by everything the run records. */
export interface RunClock {
  /** performance.now() at the start. */
  readonly origin: number;
  /** Date.now() at the start. */
  readonly startedAt: number;
  now(): number;
}

export function startClock(): RunClock {
  const origin = performance.now();
  return { origin, startedAt: Date.now(), now: () => performance.now() - origin };
}

export interface OpenLoopOptions {
  /** Requests per second. */
  rate: number;
  count: number;
  clock: RunClock;
  /**
   * Sends request `index`, due at `dueAt` on the run's clock. Latencies should be taken from `dueAt`, not from when
   * the call actually happened, so a generator that falls behind does not hide the delay (coordinated omission).
   */
  fire: (index: number, dueAt: number) => Promise<void>;
  signal?: AbortSignal;
}

export interface OpenLoopResult {
  fired: number;
  /** The worst lateness of a send against its schedule, in ms: the generator's own limit showing. */
  maxSendLagMs: number;
}

/**
 * Request i is due at `start + i / rate`, whatever happened to the requests before it: the offered load does not
 * drop when the system slows down, as it would with a closed loop (a real shop's customers do not wait for each
 * other). Requests that fell behind schedule go out at once. Resolves when every request has settled.
 */
export async function runOpenLoop({ rate, count, clock, fire, signal }: OpenLoopOptions): Promise<OpenLoopResult> {
  const start = clock.now();
  const inFlight = new Set<Promise<void>>();
  let maxSendLagMs = 0;
  let fired = 0;
  for (let index = 0; index < count && !signal?.aborted; index++) {
    const dueAt = start + (index * 1000) / rate;
    const wait = dueAt - clock.now();
    if (wait >= 1) await sleep(wait);
    maxSendLagMs = Math.max(maxSendLagMs, clock.now() - dueAt);
    const call: Promise<void> = fire(index, dueAt)
      .catch(() => undefined)
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
    fired += 1;
  }
  await Promise.allSettled([...inFlight]);
  return { fired, maxSendLagMs: Math.round(maxSendLagMs * 10) / 10 };
}

export interface ClosedLoopOptions {
  concurrency: number;
  count: number;
  /** Runs operation `index`; the next one starts as soon as it settles. */
  fire: (index: number) => Promise<void>;
}

/** Keeps `concurrency` operations in flight until `count` have run; measures what the system sustains, not latency under a given load. */
export async function runClosedLoop({ concurrency, count, fire }: ClosedLoopOptions): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      await fire(index).catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}
