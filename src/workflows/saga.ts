// The compensation stack: what to undo when an order cannot complete, most recent first, resumable after a retry.
import { CancellationScope } from '@temporalio/workflow';
import type { CompensationResult } from '../shared/activity-contracts.js';
import type { CompensationName } from '../shared/order-state.js';

/** One undo action; it must be idempotent, because it also runs for steps that may never have taken effect. */
export interface Compensation {
  name: CompensationName;
  run: () => Promise<CompensationResult>;
}

/** Callbacks so the order's visible state can follow the compensations without the stack knowing about it. */
export interface CompensationObserver {
  started(name: CompensationName): void;
  succeeded(name: CompensationName, result: CompensationResult): void;
  failed(name: CompensationName, error: unknown): void;
}

export type CompensationOutcome = { done: true } | { done: false; failed: CompensationName; error: unknown };

/**
 * A last-in-first-out stack of compensations. Steps register their undo before they run, because a step
 * that timed out may still have taken effect; undoing in reverse order keeps each undo's preconditions
 * (stock released before the money goes back, say) the same as the order they were done in.
 */
export class Saga {
  private readonly pending: Compensation[] = [];

  add(compensation: Compensation): void {
    this.pending.push(compensation);
  }

  /** Forgets a step's undo when the step failed for a business reason: a refusal means it took no effect. */
  discard(name: CompensationName): void {
    const index = this.pending.map((c) => c.name).lastIndexOf(name);
    if (index >= 0) this.pending.splice(index, 1);
  }

  /** Forgets every pending undo: none of them would undo something this run did (see `stepRunner`). */
  discardAll(): void {
    this.pending.length = 0;
  }

  get isEmpty(): boolean {
    return this.pending.length === 0;
  }

  /**
   * Runs the pending compensations, most recent first, in a non-cancellable scope so that cancelling the
   * workflow cannot interrupt the undo it triggered. Stops at the first compensation that fails for good and
   * keeps it (and the older ones) pending, so a later call resumes there without re-running finished undos.
   */
  async compensate(observer: CompensationObserver): Promise<CompensationOutcome> {
    return CancellationScope.nonCancellable(async () => {
      for (let next = this.pending.at(-1); next; next = this.pending.at(-1)) {
        observer.started(next.name);
        try {
          const result = await next.run();
          this.pending.pop();
          observer.succeeded(next.name, result);
        } catch (error) {
          observer.failed(next.name, error);
          return { done: false, failed: next.name, error };
        }
      }
      return { done: true };
    });
  }
}
