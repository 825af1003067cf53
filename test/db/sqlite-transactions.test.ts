// SQLite transactions that read before they write, contending on one file: Kysely's DEFERRED begin fails, ours waits.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSqliteDatabase } from '../../src/db/sqlite.js';
import { counterTableSql, openCounter } from './support/counter.js';
import type { CounterTables } from './support/counter.js';

const contend = fileURLToPath(new URL('./support/contend.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'order-saga-sqlite-transactions-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

/** A fresh file holding the counter at 0. */
function counterFile(): string {
  const filename = join(dir, `counter-${++files}.sqlite`);
  const sqlite = new Database(filename);
  sqlite.pragma('journal_mode = WAL');
  sqlite.exec(counterTableSql);
  sqlite.close();
  return filename;
}

const opened: Kysely<CounterTables>[] = [];
afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((db) => db.destroy()));
});
function track(db: Kysely<CounterTables>): Kysely<CounterTables> {
  opened.push(db);
  return db;
}

async function read(db: Kysely<CounterTables>): Promise<number> {
  const row = await db.selectFrom('counters').select('value').where('name', '=', 'c').executeTakeFirstOrThrow();
  return row.value;
}

async function write(db: Kysely<CounterTables>, value: number): Promise<void> {
  await db.updateTable('counters').set({ value }).where('name', '=', 'c').execute();
}

/** The longest the event loop went without running a 10 ms timer during `ms`: how long something blocked it. */
async function longestStallDuring(ms: number): Promise<number> {
  let last = Date.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = Date.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 10);
  await new Promise((resolve) => setTimeout(resolve, ms));
  clearInterval(timer);
  return Math.max(longest, Date.now() - last);
}

describe('two connections to one SQLite file', () => {
  it("Kysely's own dialect (DEFERRED): a transaction that read before another committed fails at once with SQLITE_BUSY_SNAPSHOT", async () => {
    const filename = counterFile();
    const a = track(openCounter(filename, 'stock'));
    const b = track(openCounter(filename, 'stock'));
    const started = Date.now();
    const failure: unknown = await a
      .transaction()
      .execute(async (trx) => {
        const value = await read(trx);
        await write(b, 100);
        await write(trx, value + 1);
      })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'SQLITE_BUSY_SNAPSHOT' });
    expect(Date.now() - started, 'the busy timeout (5 s) did not apply').toBeLessThan(1_000);
    expect(await read(a)).toBe(100);
  });

  it('ours (IMMEDIATE): the second writer waits for the first without stopping the process, then reads its write', async () => {
    const filename = counterFile();
    const a = track(openSqliteDatabase<CounterTables>({ filename }));
    const b = track(openSqliteDatabase<CounterTables>({ filename }));
    let second: Promise<void> | undefined;
    let stall = 0;
    await a.transaction().execute(async (trx) => {
      const value = await read(trx);
      second = b.transaction().execute(async (other) => write(other, (await read(other)) + 10));
      stall = await longestStallDuring(300);
      await write(trx, value + 1);
    });
    await second;
    expect(stall, 'the event loop ran while the second writer waited').toBeLessThan(150);
    expect(await read(a)).toBe(11);
  });

  it('ours: a writer that waited out the busy timeout fails with SQLITE_BUSY, and the process ran meanwhile', async () => {
    const filename = counterFile();
    const a = track(openSqliteDatabase<CounterTables>({ filename }));
    const b = track(openSqliteDatabase<CounterTables>({ filename, busyTimeoutMs: 300 }));
    let failure: unknown;
    let stall = 0;
    let waitedMs = 0;
    await a.transaction().execute(async (trx) => {
      await write(trx, 1);
      const started = Date.now();
      const second = b
        .transaction()
        .execute((other) => write(other, 2))
        .catch((error: unknown) => {
          failure = error;
          waitedMs = Date.now() - started;
        });
      stall = await longestStallDuring(500);
      await second;
    });
    expect(failure).toMatchObject({ code: 'SQLITE_BUSY' });
    expect(waitedMs).toBeGreaterThanOrEqual(290);
    expect(stall, 'the event loop ran while it waited').toBeLessThan(150);
    expect(await read(b)).toBe(1);
  });

  it('ours: a read-only snapshot takes no write lock, so it reads while another connection writes', async () => {
    const filename = counterFile();
    const a = track(openSqliteDatabase<CounterTables>({ filename }));
    const b = track(openSqliteDatabase<CounterTables>({ filename, busyTimeoutMs: 100 }));
    await a.transaction().execute(async (trx) => {
      await write(trx, 7);
      const seen = await b
        .transaction()
        .setAccessMode('read only')
        .execute((snapshot) => read(snapshot));
      expect(seen, 'the committed value, not the open write').toBe(0);
    });
  });
});

interface ContenderReport {
  done: number;
  errors: Record<string, number>;
}

/** Two processes incrementing the counter `count` times each, started at the same moment. */
async function twoProcesses(
  mode: 'immediate' | 'stock',
  count: number,
): Promise<{ reports: ContenderReport[]; value: number }> {
  const filename = counterFile();
  const children: ResultPromise[] = [1, 2].map(() =>
    execa('node', ['--import', 'tsx', contend, filename, mode, String(count)], { stdin: 'pipe', reject: false }),
  );
  try {
    await Promise.all(
      children.map(async (child) => {
        for await (const line of createInterface({ input: child.stdout! })) if (line === 'ready') return;
        throw new Error(`contender did not start: ${String((await child).stderr)}`);
      }),
    );
    for (const child of children) child.stdin!.write('go\n');
    const results = await Promise.all(children);
    const reports = results.map((r) => {
      expect(r.exitCode, String(r.stderr)).toBe(0);
      return JSON.parse(String(r.stdout).trim().split('\n').at(-1) ?? '{}') as ContenderReport;
    });
    const db = track(openCounter(filename, 'immediate'));
    return { reports, value: await read(db) };
  } finally {
    for (const child of children) child.kill();
  }
}

describe('two processes incrementing one counter', () => {
  it("with Kysely's own dialect, increments fail with SQLITE_BUSY_SNAPSHOT", async () => {
    const { reports, value } = await twoProcesses('stock', 60);
    const busy = reports.reduce((n, r) => n + (r.errors.SQLITE_BUSY_SNAPSHOT ?? 0), 0);
    expect(busy).toBeGreaterThan(0);
    expect(value).toBe(reports.reduce((n, r) => n + r.done, 0));
    expect(value).toBeLessThan(120);
  });

  it('with ours, every increment waits its turn and succeeds', async () => {
    const { reports, value } = await twoProcesses('immediate', 60);
    expect(reports.map((r) => r.errors)).toEqual([{}, {}]);
    expect(value).toBe(120);
  });
});
