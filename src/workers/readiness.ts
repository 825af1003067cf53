// What a role process's /readyz checks (src/workers/ops-server.ts): its Temporal workers, its databases; NATS is the
// process context's.
import type { NativeConnection, Worker } from '@temporalio/worker';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { probeTimeoutMs } from '../api/adapters/temporal-readiness.js';
import { openDatabase } from '../db/database.js';
import type { DatabaseLocation } from '../db/database.js';
import { withTimeout } from '../lib/readiness.js';
import type { Probe } from '../lib/readiness.js';

/** A probe that holds something open (a connection) until the role stops. */
export interface ClosableProbe extends Probe {
  close(): Promise<void>;
}

/**
 * The worker still polls, and the frontend it polls answers a cheap RPC on the worker's own connection. A worker
 * that failed makes the process exit (src/workers/roles/temporal-worker.ts), so `RUNNING` is the normal answer.
 */
export function temporalWorkerProbe(role: string, worker: Worker, connection: NativeConnection): Probe {
  return {
    name: `temporal:${role}`,
    check: async () => {
      const state = worker.getState();
      if (state !== 'RUNNING') throw new Error(`the ${role} worker is ${state.toLowerCase()}`);
      await connection.withDeadline(Date.now() + probeTimeoutMs, () => connection.workflowService.getSystemInfo({}));
    },
  };
}

/**
 * `select 1` on the role's database, through a connection of the probe's own (opened on the first check): a pool
 * the role has exhausted still shows as busy, not down, and the probe never takes a connection the role needs.
 */
export function databaseProbe(role: string, location: DatabaseLocation): ClosableProbe {
  let db: Kysely<unknown> | undefined;
  // `select 1` reads no table, so the search path only has to be a valid name.
  const schema = role.replace(/-/g, '_');
  return {
    name: `database:${role}`,
    check: async () => {
      db ??= openDatabase<unknown>('url' in location ? { ...location, maxConnections: 1 } : location, schema);
      await withTimeout(sql`select 1`.execute(db), probeTimeoutMs, 'the database');
    },
    close: async () => {
      await db?.destroy();
      db = undefined;
    },
  };
}
