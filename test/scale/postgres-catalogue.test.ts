// With DATABASE_URL, the api process reads the catalogue from the inventory service's PostgreSQL schema, as a reader only.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, onTestFailed } from 'vitest';
import { createTestDatabase } from '../support/postgres.js';
import { startCluster } from './support/cluster.js';
import type { Cluster } from './support/cluster.js';

let cluster: Cluster;
let ownerUrl: string;
let readerUrl: string;
let api: string;

/** Runs statements as the suite's superuser on the test's own database. */
async function asAdmin(url: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const server = inject('postgresUrl');
  if (!server) throw new Error(`the suite's PostgreSQL did not start: ${inject('postgresError')}`);
  ownerUrl = await createTestDatabase(server, 'catalogue');
  // As in production: the API logs in as a role of its own that may read the inventory schema and nothing else.
  const reader = `catalogue_reader_${randomUUID().slice(0, 8)}`;
  await asAdmin(ownerUrl, `create role ${reader} login password '${reader}'`);
  const url = new URL(ownerUrl);
  url.username = reader;
  url.password = reader;
  readerUrl = url.toString();
  cluster = await startCluster('pg-catalogue');
  api = (await cluster.startApi('api', { DATABASE_URL: readerUrl })).url;
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
});

describe('GET /products with DATABASE_URL set', () => {
  it('answers 503 until the inventory service has created its schema, then lists it as a read-only role', async () => {
    onTestFailed(() => cluster.keep());
    const before = await fetch(`${api}/products`);
    expect(before.status).toBe(503);
    expect(((await before.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');

    await cluster.processes.start('inventory', 'inventory', { DATABASE_URL: ownerUrl });
    const reader = new URL(readerUrl).username;
    await asAdmin(
      ownerUrl,
      `grant usage on schema inventory to ${reader}`,
      `grant select on inventory.products to ${reader}`,
    );

    const res = await fetch(`${api}/products`);
    expect(res.status).toBe(200);
    const { products } = (await res.json()) as { products: { sku: string; available: number }[] };
    expect(products.map((p) => [p.sku, p.available])).toEqual([
      ['SKU-HOODIE', 120],
      ['SKU-LAPTOP', 10],
      ['SKU-MUG', 300],
      ['SKU-SNEAKERS', 60],
      ['SKU-SOLDOUT', 0],
      ['SKU-TSHIRT', 500],
    ]);
  });
});
