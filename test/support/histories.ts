// Records workflow histories as committed JSON fixtures, one folder per release, and loads every release's back.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HistoryAndWorkflowId, WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';

const { History } = proto.temporal.api.history.v1;

/** `test/workflows/histories/<release>/<scenario>.json`: a release's folder is only ever added to. */
export const historiesRoot = fileURLToPath(new URL('../workflows/histories/', import.meta.url));

/** The release being built: the `version` of package.json, bumped with every change to the workflow. */
export const currentRelease: string = (
  JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string }
).version;

/** Set `RECORD_HISTORIES=1` to add the current release's histories (existing files are never rewritten). */
export const recordingHistories = process.env.RECORD_HISTORIES === '1';

/**
 * Serialised with the History message's own protobufjs codec rather than the SDK's `historyToJSON` /
 * `historyFromJSON`: with this install those throw "type must be a Type", because @temporalio/common and
 * @temporalio/proto each carry a nested protobufjs 8 copy (the hoisted one is grpc's protobufjs 7), so
 * common's protojson does not recognise proto's types.
 */
const jsonOptions = { longs: String, enums: String, bytes: String };

/**
 * When recording, writes the finished workflow's history as `<release>/<name>.json`, unless that file exists:
 * a recorded history is evidence of what a released worker did, so re-recording it would erase the only
 * proof that old runs still replay. A changed workflow gets a new release (package.json `version`) and its
 * histories land in that release's folder beside the old ones.
 */
export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (!recordingHistories) return;
  const dir = join(historiesRoot, currentRelease);
  const file = join(dir, `${name}.json`);
  if (existsSync(file)) return;
  const history = History.fromObject(await handle.fetchHistory());
  const clear = clearPayloads(history);
  if (clear.length > 0) {
    throw new Error(
      `refusing to record ${name} with payloads in clear (${clear.join(', ')}): start the workflow with a client ` +
        'and workers on testDataConverter (test/support/test-payload-keys.ts)',
    );
  }
  await mkdir(dir, { recursive: true });
  await writeFile(file, `${JSON.stringify(History.toObject(history, jsonOptions))}\n`, { flag: 'wx' });
}

/**
 * Where a history holds a payload that is not encrypted: the started event's input and every activity's input,
 * which carry the order (its address, its payment token). From 0.3.0 on, recorded histories are encrypted with the
 * suite's fixed keys, so a history in clear means a test's client or worker is missing them.
 */
export function clearPayloads(history: proto.temporal.api.history.v1.IHistory): string[] {
  const found: string[] = [];
  for (const event of history.events ?? []) {
    const payloads =
      event.workflowExecutionStartedEventAttributes?.input?.payloads ??
      event.activityTaskScheduledEventAttributes?.input?.payloads ??
      [];
    for (const payload of payloads) {
      const encoding = Buffer.from(payload.metadata?.encoding ?? []).toString();
      if (encoding !== 'binary/encrypted') found.push(`event ${String(event.eventId)}: ${encoding || 'no encoding'}`);
    }
  }
  return found;
}

/** The release folders that hold histories, oldest first (by semantic version). */
export async function historyReleases(): Promise<string[]> {
  const entries = await readdir(historiesRoot, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && /^\d+\.\d+\.\d+$/.test(e.name))
    .map((e) => e.name)
    .sort(compareReleases);
}

/**
 * Releases no longer served: every run they started has closed, so their histories are kept (never edited)
 * but no longer replayed. Listed one per line in `retired.txt` as `<release> <reason>`; the file is only
 * appended to (the append-only test checks that too), so retiring a release is an explicit, reviewed line.
 */
export async function retiredReleases(): Promise<Set<string>> {
  const file = join(historiesRoot, 'retired.txt');
  if (!existsSync(file)) return new Set();
  const lines = (await readFile(file, 'utf8')).split('\n').map((l) => l.trim());
  return new Set(lines.filter((l) => l !== '' && !l.startsWith('#')).map((l) => l.split(/\s+/)[0] ?? ''));
}

/** Every committed history of every release still served, named `<release>/<scenario>`, for `Worker.runReplayHistories`. */
export async function loadHistories(): Promise<HistoryAndWorkflowId[]> {
  const loaded: HistoryAndWorkflowId[] = [];
  const retired = await retiredReleases();
  for (const release of (await historyReleases()).filter((r) => !retired.has(r))) {
    const dir = join(historiesRoot, release);
    const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    for (const file of files) {
      const json = JSON.parse(await readFile(join(dir, file), 'utf8')) as object;
      loaded.push({ workflowId: `${release}/${file.replace(/\.json$/, '')}`, history: History.fromObject(json) });
    }
  }
  return loaded;
}

/** Orders `1.2.10` after `1.2.9`. */
export function compareReleases(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
