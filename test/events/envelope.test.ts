// The CloudEvents envelope: building with validation, deterministic IDs, and parsing incoming events.
import { describe, expect, it } from 'vitest';
import { buildEnvelope, deterministicEventId, InvalidEventError, parseEnvelope } from '../../src/events/envelope.js';
import type { EventEnvelope } from '../../src/events/envelope.js';

const processed = () =>
  buildEnvelope({
    name: 'PaymentProcessed',
    workflowId: 'order-o-1',
    step: 'chargePayment',
    data: { orderId: 'o-1', customerId: 'c-1', paymentId: 'pay_1', amount: { amount: 4_998, currency: 'EUR' } },
    time: new Date('2025-01-01T00:00:00.000Z'),
  });

function thrown(fn: () => unknown): InvalidEventError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return error as InvalidEventError;
  }
  throw new Error('expected an InvalidEventError');
}

describe('deterministicEventId', () => {
  it('is a UUID-shaped (v8) digest, stable for the same workflow, step and event', () => {
    const id = deterministicEventId('order-o-1', 'chargePayment', 'PaymentProcessed');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicEventId('order-o-1', 'chargePayment', 'PaymentProcessed')).toBe(id);
  });

  it('differs when any part differs', () => {
    const id = deterministicEventId('order-o-1', 'chargePayment', 'PaymentProcessed');
    expect(deterministicEventId('order-o-2', 'chargePayment', 'PaymentProcessed')).not.toBe(id);
    expect(deterministicEventId('order-o-1', 'refundPayment', 'PaymentProcessed')).not.toBe(id);
    expect(deterministicEventId('order-o-1', 'chargePayment', 'PaymentFailed')).not.toBe(id);
  });
});

describe('buildEnvelope', () => {
  it('builds a CloudEvents 1.0 structured envelope', () => {
    expect(processed()).toEqual({
      specversion: '1.0',
      id: deterministicEventId('order-o-1', 'chargePayment', 'PaymentProcessed'),
      source: 'order-saga/payments',
      type: 'com.ordersaga.PaymentProcessed.v1',
      subject: 'o-1',
      time: '2025-01-01T00:00:00.000Z',
      datacontenttype: 'application/json',
      data: { orderId: 'o-1', customerId: 'c-1', paymentId: 'pay_1', amount: { amount: 4_998, currency: 'EUR' } },
    });
  });

  it('carries a traceparent when given one', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const envelope = buildEnvelope({
      name: 'OrderCompleted',
      workflowId: 'order-o-1',
      step: 'completed',
      data: { orderId: 'o-1', customerId: 'c-1', status: 'COMPLETED' },
      time: '2025-01-01T00:00:00.000Z',
      traceparent,
    });
    expect(envelope.traceparent).toBe(traceparent);
    expect(parseEnvelope(JSON.stringify(envelope)).envelope.traceparent).toBe(traceparent);
  });

  it('rejects bad data with a message naming the field', () => {
    const error = thrown(() =>
      buildEnvelope({
        name: 'PaymentProcessed',
        workflowId: 'order-o-1',
        step: 'chargePayment',
        data: { orderId: 'o-1', customerId: 'c-1', paymentId: 'pay_1', amount: { amount: 12.5, currency: 'euro' } },
        time: '2025-01-01T00:00:00.000Z',
      }),
    );
    expect(error.code).toBe('InvalidEvent');
    expect(error.message).toContain('invalid PaymentProcessed data');
    expect(error.message).toContain('amount.amount');
    expect(error.message).toContain('amount.currency');
  });

  it('rejects a failure event without its reason', () => {
    const error = thrown(() =>
      buildEnvelope({
        name: 'OrderFailed',
        workflowId: 'order-o-1',
        step: 'failed',
        data: { orderId: 'o-1', customerId: 'c-1', status: 'FAILED' } as never,
        time: '2025-01-01T00:00:00.000Z',
      }),
    );
    expect(error.message).toMatch(/reason: /);
  });
});

describe('parseEnvelope', () => {
  it('round-trips an envelope from an object, JSON text and bytes', () => {
    const envelope = processed();
    const json = JSON.stringify(envelope);
    for (const input of [JSON.parse(json) as unknown, json, new TextEncoder().encode(json)]) {
      const parsed = parseEnvelope(input);
      expect(parsed.name).toBe('PaymentProcessed');
      expect(parsed.version).toBe(1);
      expect(parsed.envelope).toEqual(envelope);
    }
  });

  it('narrows the payload by event name', () => {
    const parsed = parseEnvelope(processed());
    if (parsed.name !== 'PaymentProcessed') throw new Error('expected PaymentProcessed');
    expect(parsed.envelope.data.paymentId).toBe('pay_1');
  });

  const mutate = (change: Record<string, unknown>) => ({ ...processed(), ...change });

  it.each([
    ['specversion', mutate({ specversion: '0.3' })],
    ['datacontenttype', mutate({ datacontenttype: 'text/plain' })],
    ['time', mutate({ time: 'yesterday' })],
    ['id', mutate({ id: '' })],
    ['traceparent', mutate({ traceparent: 'nope' })],
  ])('rejects a bad %s attribute, naming it', (field, input) => {
    const error = thrown(() => parseEnvelope(input));
    expect(error.code).toBe('InvalidEvent');
    expect(error.message).toContain(`${field}:`);
  });

  it('rejects unknown event types and versions', () => {
    expect(thrown(() => parseEnvelope(mutate({ type: 'com.ordersaga.PaymentVoided.v1' }))).code).toBe(
      'UnknownEventType',
    );
    expect(thrown(() => parseEnvelope(mutate({ type: 'com.ordersaga.PaymentProcessed.v2' }))).code).toBe(
      'UnknownEventType',
    );
  });

  it('rejects a payload that does not match its type, naming the field', () => {
    const envelope = processed() as EventEnvelope;
    const error = thrown(() => parseEnvelope({ ...envelope, data: { ...envelope.data, paymentId: 42 } }));
    expect(error.message).toContain('invalid PaymentProcessed data: paymentId:');
  });

  it('rejects a subject that is not the payload order ID', () => {
    expect(thrown(() => parseEnvelope(mutate({ subject: 'o-2' }))).message).toContain('subject');
  });

  it('rejects text that is not JSON', () => {
    expect(thrown(() => parseEnvelope('{not json')).message).toContain('not JSON');
  });
});
