// Publishes one domain event for the running workflow step.
import { buildEvent } from '../events/envelope.js';
import type { EventData, EventName } from '../events/catalogue.js';
import type { EventPublisher } from '../events/publisher.js';
import type { StepContext } from './step-context.js';

export interface EmitEventInput<N extends EventName> {
  name: N;
  workflowId: string;
  step: string;
  data: EventData<N>;
  /** When the fact happened: the stored row's timestamp, so a retry re-sends an identical envelope. */
  time: string;
}

/**
 * Builds and publishes the envelope. Called only after the step's local transaction has committed, and
 * again on every retry that replays a stored result: the ID is derived from workflow, step and name, so
 * the broker drops the repeats and the event is never lost between commit and publish.
 */
export async function emitEvent<N extends EventName>(
  publisher: EventPublisher,
  input: EmitEventInput<N>,
): Promise<void> {
  await publisher.publish(buildEvent(input));
}

/** Emits an event of the running step: the step's workflow and name go into the event's ID. */
export function emitStepEvent<N extends EventName>(
  publisher: EventPublisher,
  step: StepContext,
  event: Omit<EmitEventInput<N>, 'workflowId' | 'step'>,
): Promise<void> {
  return emitEvent(publisher, { ...event, workflowId: step.workflowId, step: step.activityType });
}
