// The order mixes: deterministic scenario plans, expected outcomes and the stock a run needs.
import { describe, expect, it } from 'vitest';
import {
  expectedOutcomes,
  mixEntries,
  mixes,
  mixNames,
  planOrders,
  scenarios,
  stockNeeded,
} from '../../../bench/loadgen/mix.js';

describe('planOrders', () => {
  it('follows the weights exactly over one cycle of the default mix, and is the same every time', () => {
    const entries = mixEntries('default');
    const cycle = entries.reduce((n, e) => n + e.weight, 0);
    const plan = planOrders(entries, cycle);
    const counts: Record<string, number> = {};
    for (const p of plan) counts[p.scenario.name] = (counts[p.scenario.name] ?? 0) + 1;
    expect(counts).toEqual(mixes.default);
    expect(planOrders(entries, cycle).map((p) => p.scenario.name)).toEqual(plan.map((p) => p.scenario.name));
  });

  it('interleaves rare scenarios instead of bunching them, so a short run still has some of each', () => {
    const names = planOrders(mixEntries('default'), 40).map((p) => p.scenario.name);
    expect(new Set(names).size).toBeGreaterThanOrEqual(6);
  });

  it('numbers orders and gives each scenario its own sequence of bodies', () => {
    const plan = planOrders(mixEntries('happy'), 5);
    expect(plan.map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    expect(plan.every((p) => p.scenario === scenarios.success)).toBe(true);
    expect(plan[0]?.body).toEqual(scenarios.success.body(0));
    expect(plan[4]?.body).toEqual(scenarios.success.body(4));
  });

  it('refuses a mix with nothing to draw from', () => {
    expect(() => planOrders([], 3)).toThrow(/positive weight/);
  });
});

describe('scenarios', () => {
  it('use the documented demo tokens, SKUs and countries', () => {
    expect(scenarios.declined.body(0).payment.token).toBe('tok_declined');
    expect(scenarios.insufficientFunds.body(0).payment.token).toBe('tok_insufficient_funds');
    expect(scenarios.flaky.body(0).payment.token).toBe('tok_flaky');
    expect(scenarios.outOfStock.body(0).items).toEqual([{ sku: 'SKU-SOLDOUT', quantity: 1 }]);
    expect(scenarios.approved.body(0).items[0]?.sku).toBe('SKU-LAPTOP');
    expect(scenarios.approved.followUp).toBe('approve');
    expect(scenarios.cancelled.followUp).toBe('cancel');
    expect(['NL', 'DE', 'BE', 'FR', 'GB', 'US']).not.toContain(
      scenarios.addressRejected.body(0).shippingAddress.country,
    );
    expect(['NL', 'DE', 'BE', 'FR', 'GB', 'US']).toContain(scenarios.success.body(1).shippingAddress.country);
  });

  it('have a mix for every name the flag accepts', () => {
    expect(mixNames).toEqual(['default', 'happy']);
  });
});

describe('what a plan expects', () => {
  it('counts the terminal event each order should end with', () => {
    const plan = planOrders(mixEntries('default'), 100);
    const expected = expectedOutcomes(plan);
    expect(expected).toEqual({ OrderCompleted: 76, OrderFailed: 19, OrderCancelled: 5 });
  });

  it('adds up the units the orders that reserve stock take, per SKU', () => {
    const plan = planOrders(mixEntries('default'), 100);
    const need = stockNeeded(plan);
    expect(need.has('SKU-SOLDOUT')).toBe(false);
    expect(need.get('SKU-LAPTOP')).toBe(3);
    const reserving = plan.filter((p) => p.scenario.reservesStock);
    const units = reserving.reduce((n, p) => n + p.body.items.reduce((m, i) => m + i.quantity, 0), 0);
    expect([...need.values()].reduce((a, b) => a + b, 0)).toBe(units);
  });
});
