// Times every activity attempt on a worker (saga steps and compensations) for Prometheus, outside the deterministic workflow.
import type { Context } from '@temporalio/activity';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, Next } from '@temporalio/worker';
import { sagaSteps } from '../shared/saga-steps.js';
import { compensations, stepDuration } from './series.js';

/** The saga's compensations, from its step table, counted apart so an operator sees undo work at a glance. */
const compensationNames: ReadonlySet<string> = new Set(Object.values(sagaSteps).flatMap((s) => s.undo ?? []));

/**
 * A worker interceptor factory (`interceptors.activity`): each attempt is one observation, labelled by the activity
 * type (the step) and `ok`/`error`; a compensation attempt that throws counts as `failed` (it will be retried, and
 * after its attempts the order parks as COMPENSATION_FAILED).
 */
export function activityMetricsInterceptor(ctx: Context): { inbound: ActivityInboundCallsInterceptor } {
  const step = ctx.info.activityType;
  return {
    inbound: {
      async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>) {
        const started = performance.now();
        let outcome: 'ok' | 'error' = 'error';
        try {
          const result: unknown = await next(input);
          outcome = 'ok';
          return result;
        } finally {
          stepDuration.observe({ step, outcome }, (performance.now() - started) / 1000);
          if (compensationNames.has(step)) {
            compensations.inc({ compensation: step, outcome: outcome === 'ok' ? 'ok' : 'failed' });
          }
        }
      },
    },
  };
}
