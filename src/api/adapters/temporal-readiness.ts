// Readiness probe for Temporal: the frontend answers a cheap RPC within a short deadline.
import type { Client } from '@temporalio/client';
import type { ReadinessProbe } from '../ports/readiness-probe.js';

export const probeTimeoutMs = 2_000;

/** GetSystemInfo needs no namespace and touches no workflow, so probing it often costs the server nothing. */
export function temporalReadiness(client: Client, timeoutMs = probeTimeoutMs): ReadinessProbe {
  return {
    name: 'temporal',
    check: async () => {
      await client.withDeadline(Date.now() + timeoutMs, () => client.workflowService.getSystemInfo({}));
    },
  };
}
