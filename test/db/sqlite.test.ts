// Opening service databases: pragmas, in-memory mode, and per-service migrations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { MigrationFailedError } from '../../src/db/errors.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { openSqliteDatabase, serviceDatabaseFile } from '../../src/db/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'order-saga-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function pragma(db: Kysely<unknown>, name: string): Promise<unknown> {
  const { rows } = await sql<Record<string, unknown>>`pragma ${sql.raw(name)}`.execute(db);
  return Object.values(rows[0] ?? {})[0];
}

interface NotesTables {
  notes: { id: string; body: string };
}

const notesMigrations: Record<string, Migration> = {
  '0001-notes': {
    async up(db) {
      await db.schema
        .createTable('notes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('body', 'text', (c) => c.notNull())
        .execute();
    },
  },
};

describe('openSqliteDatabase', () => {
  it('opens a file (creating its folder) with WAL, synchronous=NORMAL, busy timeout and foreign keys', async () => {
    const filename = serviceDatabaseFile(join(dir, 'nested', 'data'), 'payments');
    expect(filename.endsWith('payments.sqlite')).toBe(true);
    const db = openSqliteDatabase<unknown>({ filename, busyTimeoutMs: 2_500 });
    expect(await pragma(db, 'journal_mode')).toBe('wal');
    expect(await pragma(db, 'synchronous')).toBe(1);
    expect(await pragma(db, 'busy_timeout')).toBe(2_500);
    expect(await pragma(db, 'foreign_keys')).toBe(1);
    await db.destroy();
  });

  it('opens :memory: databases that are private to each handle', async () => {
    const a = openSqliteDatabase<NotesTables>({ filename: ':memory:' });
    const b = openSqliteDatabase<NotesTables>({ filename: ':memory:' });
    await migrateToLatest(a, 'notes', notesMigrations);
    await a.insertInto('notes').values({ id: 'n1', body: 'hello' }).execute();
    expect(await a.selectFrom('notes').selectAll().execute()).toEqual([{ id: 'n1', body: 'hello' }]);
    await expect(b.selectFrom('notes').selectAll().execute()).rejects.toThrow(/no such table/);
    await Promise.all([a.destroy(), b.destroy()]);
  });
});

describe('migrateToLatest', () => {
  it('runs pending migrations once and keeps data across reopen', async () => {
    const filename = join(dir, 'notes.sqlite');
    const first = openSqliteDatabase<NotesTables>({ filename });
    expect(await migrateToLatest(first, 'notes', notesMigrations)).toEqual(['0001-notes']);
    await first.insertInto('notes').values({ id: 'n1', body: 'kept' }).execute();
    await first.destroy();

    const second = openSqliteDatabase<NotesTables>({ filename });
    expect(await migrateToLatest(second, 'notes', notesMigrations)).toEqual([]);
    expect(await second.selectFrom('notes').select('body').execute()).toEqual([{ body: 'kept' }]);
    await second.destroy();
  });

  it('keeps each service bookkeeping separate', async () => {
    const db = openSqliteDatabase<unknown>({ filename: ':memory:' });
    await migrateToLatest(db, 'notes', notesMigrations);
    await migrateToLatest(db, 'other', {
      '0001-other': { up: async (d) => d.schema.createTable('other').addColumn('id', 'text').execute() },
    });
    const tables = (await db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name).sort();
    expect(tables).toEqual(expect.arrayContaining(['notes_migrations', 'other_migrations', 'notes', 'other']));
    await db.destroy();
  });

  it('raises MigrationFailedError naming the failing migration', async () => {
    const db = openSqliteDatabase<unknown>({ filename: ':memory:' });
    const broken: Record<string, Migration> = {
      ...notesMigrations,
      '0002-broken': {
        async up(d) {
          await d.schema.createTable('notes').addColumn('id', 'text').execute();
        },
      },
    };
    const error: unknown = await migrateToLatest(db, 'notes', broken).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationFailedError);
    expect(error).toMatchObject({ code: 'MigrationFailed', service: 'notes', migration: '0002-broken' });
    expect((error as Error).cause).toBeDefined();
    await db.destroy();
  });
});
