// The order's visible state: status moves checked against the state machine, step and compensation records, search attributes.
import { log, upsertSearchAttributes } from '@temporalio/workflow';
import type { CompensationResult } from '../shared/activity-contracts.js';
import type { PlaceOrderInput, PricedOrder } from '../shared/order.js';
import type { CompensationName, CompensationRecord, OrderState, StepName, StepRecord } from '../shared/order-state.js';
import { OrderTransitions } from '../shared/order-status.js';
import type { OrderStatus } from '../shared/order-status.js';
import { CustomerIdAttribute, OrderStatusAttribute, OrderTotalAttribute } from '../shared/search-attributes.js';
import type { CompensationObserver } from './saga.js';
import { summarizeCompensationFailure } from './failures.js';
import type { FailureSummary } from './failures.js';

/** Workflow time: `Date.now()` is replay-safe inside the workflow sandbox. */
function now(): string {
  return new Date().toISOString();
}

/**
 * Owns the `OrderState` the query returns. Every status change goes through `moveTo`, which refuses moves
 * the state machine does not allow (a bug, so it fails the workflow task loudly instead of corrupting the
 * order) and keeps the `OrderStatus` search attribute in step so the Web UI can filter on it.
 */
export class OrderRecord implements CompensationObserver {
  private readonly state: OrderState;
  /** Activity calls so far that may announce an event (see event-sequence.ts); not part of the visible state. */
  private eventCalls = 0;

  constructor(order: PlaceOrderInput) {
    const createdAt = now();
    this.state = {
      orderId: order.orderId,
      customerId: order.customerId,
      status: 'PENDING',
      lines: [],
      shippingAddress: order.shippingAddress,
      steps: [],
      compensations: [],
      createdAt,
      updatedAt: createdAt,
    };
    upsertSearchAttributes([
      { key: CustomerIdAttribute, value: order.customerId },
      { key: OrderStatusAttribute, value: 'PENDING' },
    ]);
  }

  /** The next event call's place in the saga: 1, 2, 3... in the order the workflow makes the calls. */
  nextEventSequence(): number {
    return ++this.eventCalls;
  }

  get status(): OrderStatus {
    return this.state.status;
  }

  /** The live state; handlers return it and the SDK serialises it at once, so callers never see later changes. */
  get view(): Readonly<OrderState> {
    return this.state;
  }

  moveTo(status: OrderStatus): void {
    const from = this.state.status;
    if (!OrderTransitions[from].includes(status)) {
      throw new Error(`Order ${this.state.orderId}: illegal status change ${from} -> ${status}`);
    }
    this.state.status = status;
    this.touch();
    upsertSearchAttributes([{ key: OrderStatusAttribute, value: status }]);
    log.info('Order status changed', { orderId: this.state.orderId, from, to: status });
  }

  priced(order: PricedOrder): void {
    this.state.lines = order.lines;
    this.state.total = order.total;
    this.touch();
    upsertSearchAttributes([{ key: OrderTotalAttribute, value: order.total.amount }]);
  }

  /** State only (no command): the query shows how long the order may wait, on runs recorded before the patch too. */
  awaitsApprovalUntil(deadline: string): void {
    this.state.approvalDeadline = deadline;
  }

  /** The first reason wins: a cancel that arrives while compensating a failure does not rewrite why it failed. */
  failedBecause(code: string, message: string): void {
    this.state.failure ??= { code, message };
    this.touch();
  }

  stepStarted(name: StepName): StepRecord {
    const record: StepRecord = { name, outcome: 'running', startedAt: now(), attempts: 1 };
    this.state.steps.push(record);
    this.touch();
    return record;
  }

  stepSucceeded(record: StepRecord, attempts: number | undefined, detail?: StepRecord['detail']): void {
    record.outcome = 'succeeded';
    record.finishedAt = now();
    record.attempts = attempts ?? 1;
    if (detail) record.detail = detail;
    this.touch();
  }

  stepFailed(record: StepRecord, failure: FailureSummary): void {
    record.outcome = 'failed';
    record.finishedAt = now();
    record.attempts = failure.attempts ?? 1;
    record.failure = { code: failure.code, message: failure.message };
    this.touch();
  }

  started(name: CompensationName): void {
    this.state.compensations.push({ name, outcome: 'running', startedAt: now() });
    this.touch();
  }

  succeeded(name: CompensationName, result: CompensationResult): void {
    const record = this.runningCompensation(name);
    record.outcome = 'succeeded';
    record.finishedAt = now();
    record.applied = result.applied;
    this.touch();
  }

  failed(name: CompensationName, error: unknown): void {
    const record = this.runningCompensation(name);
    record.outcome = 'failed';
    record.finishedAt = now();
    record.failure = summarizeCompensationFailure(error);
    this.touch();
  }

  private runningCompensation(name: CompensationName): CompensationRecord {
    const record = this.state.compensations.findLast((c) => c.name === name && c.outcome === 'running');
    if (!record) throw new Error(`No running compensation ${name}`);
    return record;
  }

  private touch(): void {
    this.state.updatedAt = now();
  }
}
