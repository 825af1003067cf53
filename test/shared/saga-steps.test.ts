// The step table: which compensation undoes which step, and when pricing counts as finished.
import { describe, expect, it } from 'vitest';
import type { OrderState, StepRecord } from '../../src/shared/order-state.js';
import { pricingFinished, pricingOf, stepUndoneBy, undoOf } from '../../src/shared/saga-steps.js';

describe('the step table', () => {
  it('pairs every compensation with the forward step it undoes, both ways', () => {
    expect(undoOf('chargePayment')).toBe('refundPayment');
    expect(undoOf('reserveInventory')).toBe('releaseInventory');
    expect(undoOf('createShipment')).toBe('cancelShipment');
    expect(undoOf('priceOrder')).toBeUndefined();
    expect(undoOf('commitReservation')).toBeUndefined();
    for (const compensation of ['refundPayment', 'releaseInventory', 'cancelShipment'] as const) {
      expect(undoOf(stepUndoneBy(compensation))).toBe(compensation);
    }
  });
});

describe('pricingFinished', () => {
  const order = (status: OrderState['status'], steps: StepRecord[]): OrderState => ({
    orderId: 'o-1',
    customerId: 'c-1',
    status,
    lines: [],
    shippingAddress: { name: 'A', line1: '1 Street', city: 'Town', postalCode: '1000', country: 'BE' },
    steps,
    compensations: [],
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
  });
  const pricing = (outcome: StepRecord['outcome']): StepRecord => ({
    name: 'priceOrder',
    outcome,
    startedAt: '2025-01-01T00:00:00.000Z',
    attempts: 1,
  });

  it('waits while the order is pending and pricing has not run or is running', () => {
    expect(pricingFinished(order('PENDING', []))).toBe(false);
    expect(pricingFinished(order('PENDING', [pricing('running')]))).toBe(false);
  });

  it('is over once pricing has an outcome, or the order has moved on', () => {
    expect(pricingFinished(order('PENDING', [pricing('succeeded')]))).toBe(true);
    expect(pricingFinished(order('PENDING', [pricing('failed')]))).toBe(true);
    expect(pricingFinished(order('AWAITING_APPROVAL', [pricing('running')]))).toBe(true);
    expect(pricingFinished(order('CANCELLED', []))).toBe(true);
  });

  it('finds the pricing step among the others', () => {
    const priced = pricing('failed');
    expect(pricingOf(order('FAILED', [priced]))).toBe(priced);
    expect(pricingOf(order('PENDING', []))).toBeUndefined();
  });
});
