// The main command survives its own crash: after kill -9 it starts again on the same data folder, by itself, and serves
// an order placed before the crash.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localApiTokens } from '../../bench/loadgen/tokens.js';
import { loadConfig } from '../../src/config/env.js';
import { readPidRecord } from '../../src/servers/pid-file.js';
import { processIdentity } from '../../src/servers/process-identity.js';
import { mainCommandHome, mainCommandServers, startMainCommand } from '../support/main-command.js';
import type { MainCommandHome } from '../support/main-command.js';
import { waitFor } from '../support/wait-for.js';

let home: MainCommandHome;
let env: Record<string, string>;
let api: string;

beforeAll(async () => {
  home = await mainCommandHome('dev-crash');
  ({ env, apiUrl: api } = home);
});

afterAll(() => home?.cleanUp());

const serverRecords = () =>
  mainCommandServers.map((name) => readPidRecord(join(env.DATA_DIR ?? '', 'run', `${name}.json`)));
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
  // Two starts of the whole system (each allowed 180 s by startMainCommand): far more than the default on a busy machine.
  it(
    'starts again on the same data folder without anyone touching anything, and serves the earlier order',
    { timeout: 480_000 },
    async () => {
      const first = await startMainCommand(home);
      const servers = serverRecords();
      expect(servers.map((r) => r?.owner.pid)).toEqual(mainCommandServers.map(() => first.child.pid));

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
            shippingAddress: {
              name: 'Ada',
              line1: 'Damrak 1',
              city: 'Amsterdam',
              postalCode: '1012 LG',
              country: 'NL',
            },
          }),
        },
        await tokens().customer('cus-dev-crash'),
      );
      expect(placed.status).toBe(201);
      expect(placed.body.status).toBe('AWAITING_APPROVAL');

      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      first.child.kill('SIGKILL');
      await exited;

      const second = await startMainCommand(home);
      // The first run's servers are gone (they died with it, or this start stopped them), the new ones recorded.
      for (const record of servers) expect(alive(record?.pid ?? 0), `${record?.name} of the first run`).toBe(false);
      expect(serverRecords().map((r) => r?.owner.pid)).toEqual(mainCommandServers.map(() => second.child.pid));

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
      expect(serverRecords()).toEqual(mainCommandServers.map(() => undefined));
    },
  );
});
