// Replays the committed order histories against the current workflow code, so a non-deterministic change fails CI.
import { Worker } from '@temporalio/worker';
import type { ReplayResult } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { loadHistories, recordingHistories } from '../support/histories.js';
import { workflowsPath } from '../support/saga-harness.js';
import { testDataConverter } from '../support/test-payload-keys.js';

describe('orderSaga replay', () => {
  // While RECORD_HISTORIES=1 rewrites the fixtures (in other files, possibly at the same time), replaying
  // them would race the writers; run the suite again without the flag to check the new recordings.
  it.skipIf(recordingHistories)('replays every recorded history without a determinism error', async () => {
    const histories = await loadHistories();
    expect(histories.length).toBeGreaterThanOrEqual(14);

    const results: ReplayResult[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowsPath, dataConverter: testDataConverter },
      histories,
    ))
      results.push(result);

    expect(results.map((r) => r.workflowId).sort()).toEqual(histories.map((h) => h.workflowId).sort());
    expect(results.filter((r) => r.error).map((r) => `${r.workflowId}: ${String(r.error)}`)).toEqual([]);
  });
});
