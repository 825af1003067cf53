// The committed event contract: valid for the official AsyncAPI parser, and exactly what the generator writes from the catalogue.
import { readFile } from 'node:fs/promises';
import { Parser } from '@asyncapi/parser';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { eventNames } from '../../../src/events/catalogue.js';
import { asyncApiDocument, consumersOf, subjectMatches } from '../../../src/events/contract/asyncapi.js';
import { asyncApiDocPath, renderAsyncApiDoc } from '../../../tools/asyncapi-doc.js';

const committed = () => readFile(asyncApiDocPath, 'utf8');

/** Errors only (severity 0, `DiagnosticSeverity.Error`): the parser's hints (a newer spec version exists) are not failures. */
async function parserErrors(text: string): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(text);
  return diagnostics.filter((d) => Number(d.severity) === 0).map((d) => `${d.path.join('.')}: ${d.message}`);
}

describe('docs/asyncapi.yaml', () => {
  it('is what `npm run docs:asyncapi` writes from the catalogue: run it after changing an event', async () => {
    expect(await committed(), 'docs/asyncapi.yaml is stale: run `npm run docs:asyncapi` and commit it').toBe(
      await renderAsyncApiDoc(),
    );
  });

  it('is a valid AsyncAPI 3 document for the official parser', async () => {
    const text = await committed();
    expect(await parserErrors(text)).toEqual([]);
    const { document } = await new Parser().parse(text);
    expect(document?.version()).toBe('3.0.0');
    // A channel per event plus the dead letters; a message per event version plus the dead letter.
    expect(document?.channels().all().length).toBe(eventNames.length + 1);
    expect(
      document
        ?.messages()
        .all()
        .map((m) => m.id()),
    ).toEqual(expect.arrayContaining(['OrderCreated.v1', 'OrderCreated.v2', 'PaymentProcessed.v1', 'DeadLetter']));
  }, 60_000);

  it('fails the parser when the document is broken (so the check above can fail)', async () => {
    const doc = asyncApiDocument() as { channels: Record<string, Record<string, unknown>> };
    delete doc.channels.OrderCreated?.address;
    (doc.channels.OrderCreated as Record<string, unknown>).messages = 'not a map';
    expect(await parserErrors(JSON.stringify(doc))).not.toEqual([]);
  }, 60_000);

  it('states the CloudEvents envelope of each version, its type and source fixed', async () => {
    const doc = parse(await committed()) as {
      components: {
        messages: Record<string, { payload: { properties: Record<string, { const?: string }>; required: string[] } }>;
      };
    };
    const v2 = doc.components.messages['OrderCreated.v2']?.payload;
    expect(v2?.properties.type?.const).toBe('com.ordersaga.OrderCreated.v2');
    expect(v2?.properties.source?.const).toBe('order-saga/orders');
    expect(v2?.required).toEqual(
      expect.arrayContaining(['specversion', 'id', 'source', 'type', 'subject', 'time', 'data']),
    );
    expect(Object.keys(v2?.properties ?? {})).toEqual(expect.arrayContaining(['traceparent', 'ordersequence']));
  });

  it('names the consumers of each event by their filter subjects', () => {
    expect(subjectMatches('orders.*.OrderCreated', 'orders.o-1.OrderCreated')).toBe(true);
    expect(subjectMatches('orders.>', 'orders.o-1.OrderCreated')).toBe(true);
    expect(subjectMatches('orders.*.OrderCreated', 'orders.o-1.OrderCompleted')).toBe(false);
    expect(subjectMatches('orders.>', 'orders')).toBe(false);
    expect(consumersOf('OrderCreated').map((c) => c.id)).toEqual([
      'notifications',
      'analytics',
      'order-read-model',
      'api-order-events',
    ]);
    // Operators' events are not the customer's: notifications does not take them.
    expect(consumersOf('CompensationReminder').map((c) => c.id)).toEqual([
      'analytics',
      'order-read-model',
      'api-order-events',
    ]);
    const operations = (asyncApiDocument() as { operations: Record<string, { action: string }> }).operations;
    expect(operations['notifications.receiveOrderCreated']?.action).toBe('receive');
    expect(operations['notifications.receiveCompensationReminder']).toBeUndefined();
    expect(operations.sendOrderCreated?.action).toBe('send');
  });
});
