// The compatibility gate: the catalogue against the committed contract, and the gate itself fed deliberately broken copies.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { eventCatalogue } from '../../../src/events/catalogue.js';
import type { CatalogueEntry } from '../../../src/events/catalogue.js';
import {
  BreakingContractChangeError,
  assertCompatible,
  breakingChanges,
  cataloguePayloads,
  committedPayloads,
} from '../../../src/events/contract/compatibility.js';
import { asyncApiDocPath } from '../../../tools/asyncapi-doc.js';
import { asyncApiDocument } from '../../../src/events/contract/asyncapi.js';
import { contractPath, publishedContracts } from '../../support/published-contracts.js';
import { afterAll } from 'vitest';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

const committed = async () => committedPayloads(parse(await readFile(asyncApiDocPath, 'utf8')));

/** A copy of the catalogue with one entry replaced: what a careless edit of src/events/catalogue.ts would make. */
function catalogueWith(
  name: keyof typeof eventCatalogue,
  entry: Partial<CatalogueEntry>,
): Record<string, CatalogueEntry> {
  return { ...eventCatalogue, [name]: { ...eventCatalogue[name], ...entry } };
}

const payment = eventCatalogue.PaymentProcessed.schema;
const shipped = eventCatalogue.OrderShipped.schema;

async function gateMessage(catalogue: Record<string, CatalogueEntry>): Promise<string> {
  try {
    assertCompatible(await committed(), cataloguePayloads(catalogue));
  } catch (error) {
    expect(error).toBeInstanceOf(BreakingContractChangeError);
    return (error as Error).message;
  }
  throw new Error('the gate let a breaking change through');
}

describe('the compatibility gate', () => {
  it('passes: the catalogue keeps every version the committed contract published', async () => {
    const contract = await committed();
    expect(Object.keys(contract)).toEqual(expect.arrayContaining(['OrderCreated.v1', 'OrderCreated.v2']));
    // assertCompatible, so a failure prints the gate's own message: what broke and what to do instead.
    expect(() => assertCompatible(contract, cataloguePayloads(eventCatalogue))).not.toThrow();
  });

  it('fails on a field removed (or renamed), saying to publish a new version instead', async () => {
    const message = await gateMessage(catalogueWith('PaymentProcessed', { schema: payment.omit({ paymentId: true }) }));
    expect(message).toContain('PaymentProcessed.v1 data.paymentId: field removed or renamed');
    expect(message).toContain('Publish the change as a new version instead');
    const renamed = payment.omit({ paymentId: true }).extend({ paymentRef: z.string().optional() });
    expect(await gateMessage(catalogueWith('PaymentProcessed', { schema: renamed }))).toContain(
      'data.paymentId: field removed or renamed',
    );
  });

  it('fails on a type changed, deep inside the payload', async () => {
    const schema = payment.extend({ amount: z.object({ amount: z.string(), currency: z.string() }) });
    const message = await gateMessage(catalogueWith('PaymentProcessed', { schema }));
    expect(message).toContain('PaymentProcessed.v1 data.amount.amount: type changed from "integer" to "string"');
  });

  it('fails on a new required field, and on an optional one made required', async () => {
    expect(
      await gateMessage(catalogueWith('OrderShipped', { schema: shipped.extend({ weightGrams: z.number().int() }) })),
    ).toContain('OrderShipped.v1 data.weightGrams: new required field');
    const v1 = eventCatalogue.OrderCreated.previous[1].schema;
    const previous = { 1: { ...eventCatalogue.OrderCreated.previous[1], schema: v1.required({ total: true }) } };
    expect(await gateMessage(catalogueWith('OrderCreated', { previous }))).toContain(
      'OrderCreated.v1 data.total: optional field made required',
    );
  });

  it('fails on an enum value removed', async () => {
    const schema = eventCatalogue.OrderCompleted.schema.extend({ status: z.enum(['COMPLETED']) });
    expect(await gateMessage(catalogueWith('OrderCompleted', { schema }))).toMatch(
      /OrderCompleted\.v1 data\.status: enum values PENDING, .*COMPENSATION_FAILED removed/,
    );
  });

  it('fails on a version dropped while the contract still lists it', async () => {
    const { previous: _previous, ...withoutV1 } = eventCatalogue.OrderCreated;
    const catalogue = { ...eventCatalogue, OrderCreated: withoutV1 };
    expect(await gateMessage(catalogue)).toContain('OrderCreated.v1: version removed from the catalogue');
  });

  it('passes an additive optional field, a new event and a new version', async () => {
    const contract = await committed();
    const optional = catalogueWith('OrderShipped', { schema: shipped.extend({ weightGrams: z.number().optional() }) });
    expect(breakingChanges(contract, cataloguePayloads(optional))).toEqual([]);
    const newVersion = catalogueWith('OrderShipped', {
      version: 2,
      schema: shipped.omit({ country: true }),
      previous: { 1: { schema: shipped, upcast: (data: never) => data } },
    });
    expect(breakingChanges(contract, cataloguePayloads(newVersion))).toEqual([]);
    const newEvent = {
      ...eventCatalogue,
      GiftWrapped: { version: 1, producer: 'orders', schema: z.object({ orderId: z.string() }) },
    };
    expect(breakingChanges(contract, cataloguePayloads(newEvent as Record<string, CatalogueEntry>))).toEqual([]);
  });
});

describe('the gate against every committed revision of the contract', () => {
  it('passes: no published version was ever changed incompatibly, whatever the file says now', () => {
    const revisions = publishedContracts(repoRoot);
    expect(revisions.length).toBeGreaterThan(0);
    const current = cataloguePayloads(eventCatalogue);
    const problems = revisions.flatMap(({ commit, payloads }) =>
      breakingChanges(payloads, current, { removedVersions: 'ignore' }).map((p) => `since ${commit}: ${p}`),
    );
    expect(() => {
      if (problems.length > 0) throw new BreakingContractChangeError(problems);
    }).not.toThrow();
  });

  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('catches a breaking change committed together with its regenerated contract', () => {
    const dir = mkdtempSync(join(tmpdir(), 'contract-gate-'));
    dirs.push(dir);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' });
    const write = (doc: unknown) => writeFileSync(join(dir, contractPath), JSON.stringify(doc));
    git('init', '-q');
    mkdirSync(join(dir, 'docs'));
    write(asyncApiDocument());
    git('add', '.');
    git('commit', '-qm', 'publish the contract');
    // The careless change: PaymentProcessed v1 loses paymentId, and the contract is regenerated in the same commit.
    const broken = catalogueWith('PaymentProcessed', { schema: payment.omit({ paymentId: true }) });
    const regenerated = asyncApiDocument() as {
      components: { messages: Record<string, { payload: { properties: Record<string, unknown> } }> };
    };
    const message = regenerated.components.messages['PaymentProcessed.v1'];
    if (message) message.payload.properties.data = cataloguePayloads(broken)['PaymentProcessed.v1'];
    write(regenerated);
    git('commit', '-qam', 'rename a field and regenerate');

    const current = cataloguePayloads(broken);
    const [latest, first] = publishedContracts(dir);
    expect(breakingChanges(latest?.payloads ?? {}, current)).toEqual([]);
    expect(breakingChanges(first?.payloads ?? {}, current, { removedVersions: 'ignore' })).toEqual([
      'PaymentProcessed.v1 data.paymentId: field removed or renamed',
    ]);
  });
});
