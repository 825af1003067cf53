// Choosing the engine from a location: URL forms, the configured location per service, and DATABASE_URL validation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config/env.js';
import { engineOf, openDatabase, resolveLocation, serviceDatabase } from '../../src/db/database.js';
import { UnsupportedDatabaseUrlError, redactUrl } from '../../src/db/errors.js';
import { assertSchemaName } from '../../src/db/postgres.js';
import { createTestDatabase } from '../support/postgres.js';

const dir = mkdtempSync(join(tmpdir(), 'order-saga-database-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('resolveLocation', () => {
  it.each([
    ['postgres://u:p@db:5432/shop', 'postgres'],
    ['postgresql://db/shop?sslmode=disable', 'postgres'],
    ['sqlite:data/payments.sqlite', 'sqlite'],
    ['./data/payments.sqlite', 'sqlite'],
    [':memory:', 'sqlite'],
  ])('%s is %s', (url, engine) => {
    expect(resolveLocation({ url }).engine).toBe(engine);
  });

  it('strips the sqlite: prefix, keeping absolute paths and :memory:', () => {
    expect(resolveLocation({ url: 'sqlite:data/a.sqlite' })).toEqual({
      engine: 'sqlite',
      options: { filename: 'data/a.sqlite' },
    });
    expect(resolveLocation({ url: 'sqlite:///var/lib/a.sqlite' })).toEqual({
      engine: 'sqlite',
      options: { filename: '/var/lib/a.sqlite' },
    });
    expect(resolveLocation({ url: 'sqlite::memory:' })).toEqual({
      engine: 'sqlite',
      options: { filename: ':memory:' },
    });
    expect(resolveLocation({ filename: 'x.sqlite', busyTimeoutMs: 1 })).toEqual({
      engine: 'sqlite',
      options: { filename: 'x.sqlite', busyTimeoutMs: 1 },
    });
  });

  it('refuses other schemes with a message that names the accepted forms and hides the password', () => {
    const attempt = () => resolveLocation({ url: 'mysql://root:hunter2@db/shop' });
    expect(attempt).toThrow(UnsupportedDatabaseUrlError);
    expect(attempt).toThrow(/postgres:\/\/.*sqlite:/);
    expect(attempt).not.toThrow(/hunter2/);
    expect(() => resolveLocation({ url: 'sqlite:' })).toThrow(UnsupportedDatabaseUrlError);
    expect(redactUrl('postgres://app:s3cret@db:5432/x')).toBe('postgres://app:***@db:5432/x');
  });
});

describe('serviceDatabase', () => {
  it('is one SQLite file per service under DATA_DIR by default, and DATABASE_URL when set', () => {
    expect(serviceDatabase(loadConfig({ DATA_DIR: '/srv/data' }), 'payments')).toEqual({
      filename: join('/srv/data', 'payments.sqlite'),
    });
    const url = 'postgres://payments:pw@postgres:5432/order_saga';
    expect(serviceDatabase(loadConfig({ DATABASE_URL: url }), 'payments')).toEqual({ url });
  });

  it('accepts only PostgreSQL URLs in DATABASE_URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://db/x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ DATABASE_URL: 'sqlite:data/x.sqlite' })).toThrow(/DATABASE_URL/);
    expect(loadConfig({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });
});

describe('openDatabase', () => {
  it('opens SQLite from a sqlite: URL', async () => {
    const db = openDatabase<unknown>({ url: `sqlite:${join(dir, 'a.sqlite')}` }, 'payments');
    try {
      expect(engineOf(db)).toBe('sqlite');
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await db.destroy();
    }
  });

  it("opens PostgreSQL with the service's schema alone on the search path", async () => {
    const serverUrl = inject('postgresUrl');
    if (!serverUrl) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
    const db = openDatabase<unknown>({ url: await createTestDatabase(serverUrl), maxConnections: 2 }, 'payments');
    try {
      expect(engineOf(db)).toBe('postgres');
      const { rows } = await sql<{ path: string }>`select current_setting('search_path') as path`.execute(db);
      expect(rows).toEqual([{ path: 'payments' }]);
    } finally {
      await db.destroy();
    }
  });

  it('refuses schema names that are not plain identifiers', () => {
    expect(assertSchemaName('read_model_2')).toBe('read_model_2');
    for (const bad of ['Payments', 'a-b', '1abc', 'x; drop table y', '']) {
      expect(() => assertSchemaName(bad), bad).toThrow(/invalid schema name/);
    }
  });
});
