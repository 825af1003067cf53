// The upcaster in parseEnvelope: OrderCreated v1 and v2 read alike, unknown fields ignored, unknown versions refused.
import { describe, expect, it } from 'vitest';
import { buildEnvelope, InvalidEventError, parseEnvelope } from '../../src/events/envelope.js';
import type { EventData } from '../../src/events/catalogue.js';

const total = { amount: 25_000, currency: 'EUR' };
const lines = [
  { sku: 'SKU-LAMP', quantity: 2, name: 'Lamp', unitPrice: { amount: 12_500, currency: 'EUR' }, lineTotal: total },
];
const data: EventData<'OrderCreated'> = {
  orderId: 'o-1',
  customerId: 'c-1',
  status: 'AWAITING_APPROVAL',
  total,
  lines,
};
const deadline = '2026-01-02T10:00:00.000Z';

const created = (version: number, extra: Partial<EventData<'OrderCreated'>> = {}) =>
  buildEnvelope({
    name: 'OrderCreated',
    workflowId: 'order-o-1',
    step: 'OrderCreated',
    data: { ...data, ...extra },
    time: '2026-01-01T10:00:00.000Z',
    version,
  });

function invalid(input: unknown): InvalidEventError {
  try {
    parseEnvelope(input);
  } catch (error) {
    if (error instanceof InvalidEventError) return error;
    throw error;
  }
  throw new Error('expected an InvalidEventError');
}

describe('OrderCreated upcasting', () => {
  it('reads v1 as the v2 shape, keeping the version it was published in', () => {
    const v1 = parseEnvelope(JSON.stringify(created(1)));
    expect(v1).toMatchObject({ name: 'OrderCreated', version: 1, envelope: { type: 'com.ordersaga.OrderCreated.v1' } });
    expect(v1.envelope.data).toEqual(data);
  });

  it('reads v2 with its approval deadline, and a v1 and v2 of one order give the same data but the deadline', () => {
    const v2 = parseEnvelope(created(2, { approvalDeadline: deadline }));
    expect(v2).toMatchObject({ version: 2, envelope: { type: 'com.ordersaga.OrderCreated.v2' } });
    expect(v2.envelope.data).toEqual({ ...data, approvalDeadline: deadline });
    const { approvalDeadline: _deadline, ...withoutDeadline } = v2.envelope.data as EventData<'OrderCreated'>;
    expect(withoutDeadline).toEqual(parseEnvelope(created(1)).envelope.data);
  });

  it('builds v1 without the deadline: the v1 schema drops what it does not know', () => {
    expect(created(1, { approvalDeadline: deadline }).data).not.toHaveProperty('approvalDeadline');
  });

  it('ignores fields a version does not know, on either version', () => {
    for (const version of [1, 2]) {
      const envelope = created(version);
      const parsed = parseEnvelope({ ...envelope, data: { ...envelope.data, giftWrap: true }, comexperiment: 'x' });
      expect(parsed.envelope.data).not.toHaveProperty('giftWrap');
      expect(parsed.envelope).not.toHaveProperty('comexperiment');
    }
  });

  it('refuses a v2 without the lines or the total it requires, naming the field', () => {
    const { lines: _lines, ...noLines } = data;
    const error = invalid({ ...created(2), data: noLines });
    expect(error.code).toBe('InvalidEvent');
    expect(error.message).toContain('invalid OrderCreated data: lines');
  });

  it('refuses a v1 that cannot be upcast (no total or lines), saying why', () => {
    const { total: _total, ...noTotal } = data;
    const error = invalid({ ...created(1), data: noTotal });
    expect(error.code).toBe('InvalidEvent');
    expect(error.message).toMatch(/invalid OrderCreated v1 data: .*cannot be read as v2/);
  });

  it('refuses a version this code does not read', () => {
    const error = invalid({ ...created(2), type: 'com.ordersaga.OrderCreated.v3' });
    expect(error.code).toBe('UnknownEventType');
  });
});
