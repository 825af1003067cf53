// Proof that the Temporal dev server is real: a workflow runs an activity and its history reads back through the client.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as activities from '../fixtures/activities.js';
import { greeting } from '../fixtures/workflows.js';

describe('Temporal dev server', () => {
  let connection: Connection;
  let nativeConnection: NativeConnection;
  beforeAll(async () => {
    connection = await Connection.connect({ address: inject('temporalAddress') });
    nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await connection?.close();
    await nativeConnection?.close();
  });

  it('runs a workflow with an activity and keeps its history', async () => {
    const client = new Client({ connection });
    const taskQueue = `dev-server-proof-${Date.now()}`;
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue,
      workflowsPath: new URL('../fixtures/workflows.ts', import.meta.url).pathname,
      activities,
    });
    const workflowId = `greeting-${Date.now()}`;
    const result = await worker.runUntil(client.workflow.execute(greeting, { args: ['Ada'], workflowId, taskQueue }));
    expect(result).toBe('Hello, Ada!');

    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const types = (history.events ?? []).map((e) => e.eventType);
    const { temporal } = await import('@temporalio/proto');
    const EventType = temporal.api.enums.v1.EventType;
    expect(types).toContain(EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED);
    expect(types.at(-1)).toBe(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
  });
});
