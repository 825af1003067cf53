// Records workflow histories as committed JSON fixtures and loads them back for the replay test.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryAndWorkflowId, WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';

const { History } = proto.temporal.api.history.v1;

export const historiesDir = fileURLToPath(new URL('../workflows/histories/', import.meta.url));

/** Set `RECORD_HISTORIES=1` to rewrite the fixtures after an intended change to the workflow's commands. */
export const recordingHistories = process.env.RECORD_HISTORIES === '1';

/**
 * Serialised with the History message's own protobufjs codec rather than the SDK's `historyToJSON` /
 * `historyFromJSON`: with this install those throw "type must be a Type", because @temporalio/common and
 * @temporalio/proto each carry a nested protobufjs 8 copy (the hoisted one is grpc's protobufjs 7), so
 * common's protojson does not recognise proto's types.
 */
const jsonOptions = { longs: String, enums: String, bytes: String };

/** Writes the finished workflow's history as `<name>.json` when recording; otherwise does nothing. */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (!recordingHistories) return;
  const history = History.fromObject(await handle.fetchHistory());
  await mkdir(historiesDir, { recursive: true });
  await writeFile(join(historiesDir, `${name}.json`), `${JSON.stringify(History.toObject(history, jsonOptions))}\n`);
}

/** Every committed history, named by its file, ready for `Worker.runReplayHistories`. */
export async function loadHistories(): Promise<HistoryAndWorkflowId[]> {
  const files = (await readdir(historiesDir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: History.fromObject(JSON.parse(await readFile(join(historiesDir, file), 'utf8')) as object),
    })),
  );
}
