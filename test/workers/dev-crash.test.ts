// The main command survives its own crash: after kill -9 it starts again on the same data folder, by itself, and serves
// an order placed before the crash.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { localApiTokens } from '../../bench/loadgen/tokens.js';
import { envSchema, loadConfig } from '../../src/config/env.js';
import { readPidRecord } from '../../src/servers/pid-file.js';
import { freePort } from '../../src/servers/ports.js';
import { processIdentity } from '../../src/servers/process-identity.js';
import { waitFor } from '../support/wait-for.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

let dir: string;
let env: Record<string, string>;
let api: string;
const started: ChildProcess[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'order-saga-dev-crash-'));
  const [temporal, ui, nats, monitor, apiPort] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  api = `http://127.0.0.1:${apiPort}`;
  env = {
    DATA_DIR: join(dir, 'data'),
    TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
    TEMPORAL_UI_PORT: String(ui),
    NATS_URL: `nats://127.0.0.1:${nats}`,
    NATS_MONITOR_PORT: String(monitor),
    API_PORT: String(apiPort),
    LOG_LEVEL: 'warn',
  };
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const name of ['temporal', 'nats-server']) {
    const record = readPidRecord(join(env.DATA_DIR ?? dir, 'run', `${name}.json`));
    if (record && processIdentity(record.pid)?.startTime === record.startTime) process.kill(record.pid, 'SIGKILL');
  }
  await rm(dir, { recursive: true, force: true });
});

/** `npm run dev`'s process (without the bootstrap step before it), its output kept for a failure message. */
async function startMainCommand(): Promise<{ child: ChildProcess; output: string[] }> {
  const inherited = Object.entries(process.env).filter(([key]) => !(key in envSchema.shape));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/workers/dev.ts'], {
    cwd: repoRoot,
    env: { ...Object.fromEntries(inherited), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const output: string[] = [];
  onTestFailed(() => console.error(`main command output:\n${output.join('\n')}`));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 180 s:\n${output.join('\n')}`)), 180_000);
    const onLine = (line: string) => {
      output.push(line);
      if (line.startsWith('order-saga is ready')) {
        clearTimeout(timer);
        resolve();
      }
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the main command exited (${code ?? signal}) before it was ready:\n${output.join('\n')}`));
    });
  });
  return { child, output };
}

const serverRecords = () =>
  ['temporal', 'nats-server'].map((name) => readPidRecord(join(env.DATA_DIR ?? '', 'run', `${name}.json`)));
const alive = (pid: number) => processIdentity(pid) !== undefined;

/** Tokens signed with the keys the main command made in its data folder, as `npm run token` would. */
const tokens = () => localApiTokens({ ...loadConfig(), DATA_DIR: env.DATA_DIR ?? '' });

/** A request as `token`'s holder (an operator unless given). */
async function json<T>(path: string, init: RequestInit = {}, token?: string): Promise<{ status: number; body: T }> {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token ?? (await tokens().operator())}`);
  const res = await fetch(`${api}${path}`, { ...init, headers });
  return { status: res.status, body: (await res.json()) as T };
}

describe('npm run dev after kill -9 of its own process', () => {
  it('starts again on the same data folder without anyone touching anything, and serves the earlier order', async () => {
    const first = await startMainCommand();
    const servers = serverRecords();
    expect(servers.map((r) => r?.owner.pid)).toEqual([first.child.pid, first.child.pid]);

    // Above the approval threshold, so the order is still open when the process dies.
    const placed = await json<{ orderId: string; status: string }>(
      '/orders',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'dev-crash-1' },
        body: JSON.stringify({
          customerId: 'cus-dev-crash',
          items: [{ sku: 'SKU-LAPTOP', quantity: 1 }],
          payment: { token: 'tok_ok' },
          shippingAddress: { name: 'Ada', line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', country: 'NL' },
        }),
      },
      await tokens().customer('cus-dev-crash'),
    );
    expect(placed.status).toBe(201);
    expect(placed.body.status).toBe('AWAITING_APPROVAL');

    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;

    const second = await startMainCommand();
    // The first run's servers are gone (they died with it, or this start stopped them), the new ones recorded.
    for (const record of servers) expect(alive(record?.pid ?? 0), `${record?.name} of the first run`).toBe(false);
    expect(serverRecords().map((r) => r?.owner.pid)).toEqual([second.child.pid, second.child.pid]);

    const { orderId } = placed.body;
    const before = await json<{ status: string }>(`/orders/${orderId}`);
    expect(before).toMatchObject({ status: 200, body: { status: 'AWAITING_APPROVAL' } });
    const approved = await json<{ status: string }>(`/orders/${orderId}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    // 202 when the restarted worker has not confirmed it within API_UPDATE_TIMEOUT_MS (its first workflow task
    // after a restart); either way the approval is accepted, and the order must complete.
    expect([200, 202]).toContain(approved.status);
    await waitFor(async () => (await json<{ status: string }>(`/orders/${orderId}`)).body.status === 'COMPLETED', {
      timeoutMs: 60_000,
      intervalMs: 500,
      what: `order ${orderId} to complete after the restart`,
    });

    // A clean stop (Ctrl-C) stops everything and leaves no record behind.
    const stopped = new Promise<number | null>((resolve) => second.child.once('exit', (code) => resolve(code)));
    second.child.kill('SIGINT');
    expect(await stopped).toBe(0);
    expect(serverRecords()).toEqual([undefined, undefined]);
  });
});
