// Proof that the time-skipping test server is real: 30 days of workflow time pass in seconds of wall time.
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleepForDays } from '../fixtures/workflows.js';
import { testDataConverter } from '../support/test-payload-keys.js';
import { createTimeSkippingEnv } from '../support/time-skipping.js';

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('completes a workflow that sleeps 30 days in a few seconds', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'time-skipping-proof',
      // The environment's client encrypts what it sends (test/support/time-skipping.ts): the worker must read it.
      dataConverter: testDataConverter,
      workflowsPath: new URL('../fixtures/workflows.ts', import.meta.url).pathname,
    });
    const started = Date.now();
    const result = await worker.runUntil(
      env.client.workflow.execute(sleepForDays, {
        args: [30],
        workflowId: 'sleep-30-days',
        taskQueue: 'time-skipping-proof',
      }),
    );
    expect(result).toBe('slept 30 days');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
