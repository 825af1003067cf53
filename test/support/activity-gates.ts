// Test-only pause points: hold one activity call of one order until the test releases it, and count the calls.

/** One held call: `reached` resolves when the workflow has called the activity, `release()` lets it run. */
export class Gate {
  readonly reached: Promise<void>;
  readonly opened: Promise<void>;
  private arrive!: () => void;
  private open!: () => void;

  constructor() {
    this.reached = new Promise((resolve) => (this.arrive = resolve));
    this.opened = new Promise((resolve) => (this.open = resolve));
  }

  /** Called by the wrapped activity when the call comes in. */
  markReached(): void {
    this.arrive();
  }

  release(): void {
    this.open();
  }
}

type AnyActivity = (input: unknown) => Promise<unknown>;

/**
 * Wraps real activities so a test can stop the saga at an exact point (say, with payment captured and the
 * reservation not yet made) to send a cancel there. The wrapped call waits before running the real
 * activity, so the store sees nothing of it until the gate opens; activities keep running in real time
 * (the test server does not skip time while an activity is in flight), so release well within the
 * activity's start-to-close timeout.
 */
export class ActivityGates {
  private readonly held = new Map<string, Gate>();
  private readonly all = new Set<Gate>();
  private readonly calls = new Map<string, number>();
  private readonly failing = new Set<string>();

  /** How often `activity` was called for `orderId`: every attempt Temporal made counts once. */
  callsOf(activity: string, orderId: string): number {
    return this.calls.get(key(activity, orderId)) ?? 0;
  }

  /** Holds the next call of `activity` whose input names `orderId`. */
  hold(activity: string, orderId: string): Gate {
    const gate = new Gate();
    this.held.set(key(activity, orderId), gate);
    this.all.add(gate);
    return gate;
  }

  /**
   * Fails every call of `activity` for `orderId` with a transient (retryable) error before it runs, as a service
   * that stays unreachable would, until `endFailures`.
   */
  failWhile(activity: string, orderId: string): void {
    this.failing.add(key(activity, orderId));
  }

  endFailures(): void {
    this.failing.clear();
  }

  /** Opens every gate, reached or not, so a failing test does not leave an activity (and worker shutdown) stuck. */
  releaseAll(): void {
    for (const gate of this.all) gate.release();
    this.all.clear();
    this.held.clear();
    this.failing.clear();
  }

  wrap<A extends object>(activities: A): A {
    const wrapped: Record<string, AnyActivity> = {};
    for (const [name, fn] of Object.entries(activities) as [string, AnyActivity][]) {
      wrapped[name] = async (input: unknown) => {
        const orderId = orderIdOf(input);
        if (orderId !== undefined) this.calls.set(key(name, orderId), this.callsOf(name, orderId) + 1);
        if (orderId !== undefined && this.failing.has(key(name, orderId))) {
          throw new Error(`${name} of ${orderId} failed: its service is unreachable (injected)`);
        }
        const gate = this.take(name, orderId);
        if (gate) {
          gate.markReached();
          await gate.opened;
        }
        return fn(input);
      };
    }
    return wrapped as A;
  }

  private take(activity: string, orderId: string | undefined): Gate | undefined {
    if (orderId === undefined) return undefined;
    const k = key(activity, orderId);
    const gate = this.held.get(k);
    this.held.delete(k);
    return gate;
  }
}

function key(activity: string, orderId: string): string {
  return `${activity}:${orderId}`;
}

function orderIdOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null || !('orderId' in input)) return undefined;
  return typeof input.orderId === 'string' ? input.orderId : undefined;
}
