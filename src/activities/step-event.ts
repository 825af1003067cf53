// Builds the events a step announces, which its store writes to the outbox in the same transaction as the step's effect.
import { buildEvent } from '../events/envelope.js';
import type { OutgoingEvent } from '../events/envelope.js';
import type { EventData, EventName } from '../events/catalogue.js';
import type { EventSequence } from '../shared/activity-contracts.js';
import type { StepContext } from './step-context.js';
import { activeTraceparent } from '../tracing/trace-context.js';

export interface StepEventInput<N extends EventName> {
  name: N;
  data: EventData<N>;
  /** When the fact happened: the stored row's timestamp, so the envelope is the same however often it is built. */
  time: string;
}

/**
 * An event of the running step: the step's workflow and name go into the event's ID (so the same effect always
 * announces the same ID), and `order` (the activity input's `sequence` and `sequenceTime`, set by the workflow) orders
 * it among its order's events. Either is absent for a run that started before the workflow set it.
 */
export function stepEvent<N extends EventName>(
  step: StepContext,
  order: EventSequence,
  event: StepEventInput<N>,
): OutgoingEvent<N> {
  return buildEvent({
    ...event,
    workflowId: step.workflowId,
    step: step.activityType,
    ...sequenceOf(order),
    ...traceOf(),
  });
}

/** The envelope's ordering attributes from an activity's input: only those it has. */
export function sequenceOf({ sequence, sequenceTime }: EventSequence): EventSequence {
  return {
    ...(sequence === undefined ? {} : { sequence }),
    ...(sequenceTime === undefined ? {} : { sequenceTime }),
  };
}

/**
 * The running activity's trace context (the SDK's interceptor makes the attempt a span), stored with its events so
 * the publish and every subscriber join the order's trace; nothing when tracing is off.
 */
export function traceOf(): { traceparent?: string } {
  const traceparent = activeTraceparent();
  return traceparent === undefined ? {} : { traceparent };
}
