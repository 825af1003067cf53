// The order mixes the load generator sends: scenarios built from the demo tokens, SKUs and countries, and what each should end as.

import type { PlaceOrderBody as ApiPlaceOrderBody } from '../../src/api/schemas/order.js';

/** The three terminal events an order's saga ends with. */
export const terminalEvents = ['OrderCompleted', 'OrderFailed', 'OrderCancelled'] as const;
export type TerminalEvent = (typeof terminalEvents)[number];

/** What the load generator does right after the order is placed (201). */
export type FollowUp = 'cancel' | 'approve';

/**
 * What the load generator POSTs: the API's own request body type, so the two cannot drift apart, always naming its
 * customer (the API takes it from the token; the generator signs each order as that customer).
 */
export type PlaceOrderBody = ApiPlaceOrderBody & { customerId: string };

export interface Scenario {
  name: string;
  /** The terminal event the saga should end with when everything behaves as documented. */
  expected: TerminalEvent;
  followUp?: FollowUp;
  /** The order for the n-th use of this scenario. */
  body(n: number): PlaceOrderBody;
  /** Whether the order reserves its lines (so they must be in stock for it to behave as expected). */
  reservesStock: boolean;
}

export interface MixEntry {
  scenario: Scenario;
  weight: number;
}

/** The plentiful SKUs, in turn, so no single row of the inventory table takes every reservation. */
const everydaySkus = ['SKU-TSHIRT', 'SKU-MUG', 'SKU-HOODIE', 'SKU-SNEAKERS'] as const;

const addresses = {
  NL: { name: 'Ada Lovelace', line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', country: 'NL' },
  DE: { name: 'Emmy Noether', line1: 'Unter den Linden 6', city: 'Berlin', postalCode: '10117', country: 'DE' },
  FR: { name: 'Sophie Germain', line1: '1 Rue de Rivoli', city: 'Paris', postalCode: '75001', country: 'FR' },
  // Japan is outside the default SHIPPING_COUNTRIES: the shipment is refused (AddressRejected).
  JP: { name: 'Hideki Yukawa', line1: '1-1 Chiyoda', city: 'Tokyo', postalCode: '100-0001', country: 'JP' },
} as const;
const servedAddresses = [addresses.NL, addresses.DE, addresses.FR];

function order(
  n: number,
  token: string,
  items: PlaceOrderBody['items'],
  country?: keyof typeof addresses,
): PlaceOrderBody {
  return {
    customerId: `cus_load_${n % 100}`,
    items,
    payment: { token },
    shippingAddress: {
      ...(country ? addresses[country] : (servedAddresses[n % servedAddresses.length] ?? addresses.NL)),
    },
  };
}

/** One everyday SKU, one or two of it. */
const everydayItems = (n: number) => [
  { sku: everydaySkus[n % everydaySkus.length] ?? 'SKU-TSHIRT', quantity: 1 + (n % 2) },
];

/** A scenario of one everyday line, paid with `token`. */
const everyday = (name: string, expected: TerminalEvent, token: string, reservesStock: boolean): Scenario => ({
  name,
  expected,
  reservesStock,
  body: (n) => order(n, token, everydayItems(n)),
});

/** Every scenario the mixes draw from, by name. */
export const scenarios = {
  success: everyday('success', 'OrderCompleted', 'tok_ok', true),
  // The provider times out twice; Temporal's retries (1 s, then 2 s) get the charge through.
  flaky: everyday('flaky', 'OrderCompleted', 'tok_flaky', true),
  declined: everyday('declined', 'OrderFailed', 'tok_declined', false),
  insufficientFunds: everyday('insufficientFunds', 'OrderFailed', 'tok_insufficient_funds', false),
  outOfStock: {
    name: 'outOfStock',
    expected: 'OrderFailed',
    reservesStock: false,
    body: (n) => order(n, 'tok_ok', [{ sku: 'SKU-SOLDOUT', quantity: 1 }]),
  },
  addressRejected: {
    name: 'addressRejected',
    expected: 'OrderFailed',
    reservesStock: true,
    body: (n) => order(n, 'tok_ok', everydayItems(n), 'JP'),
  },
  cancelled: {
    name: 'cancelled',
    expected: 'OrderCancelled',
    followUp: 'cancel',
    reservesStock: true,
    body: (n) => order(n, 'tok_ok', everydayItems(n)),
  },
  approved: {
    name: 'approved',
    expected: 'OrderCompleted',
    followUp: 'approve',
    reservesStock: true,
    // One laptop is above the default APPROVAL_THRESHOLD (100000): the order waits for the approval sent next.
    body: (n) => order(n, 'tok_ok', [{ sku: 'SKU-LAPTOP', quantity: 1 }]),
  },
} satisfies Record<string, Scenario>;

export type ScenarioName = keyof typeof scenarios;

/** The named mixes: scenario weights (relative, integers). */
export const mixes = {
  /** Mostly orders that go through, with each documented failure, a cancellation and an approval in proportion. */
  default: {
    success: 70,
    flaky: 3,
    declined: 6,
    insufficientFunds: 3,
    outOfStock: 5,
    addressRejected: 5,
    cancelled: 5,
    approved: 3,
  },
  /** Every order goes through. */
  happy: { success: 1 },
} satisfies Record<string, Partial<Record<ScenarioName, number>>>;

export type MixName = keyof typeof mixes;
export const mixNames = Object.keys(mixes) as MixName[];

export function mixEntries(name: MixName): MixEntry[] {
  const weights: Partial<Record<ScenarioName, number>> = mixes[name];
  return (Object.entries(weights) as [ScenarioName, number][]).map(([scenario, weight]) => ({
    scenario: scenarios[scenario],
    weight,
  }));
}

/** One planned order: its position in the run, its scenario and the body to send. */
export interface PlannedOrder {
  index: number;
  scenario: Scenario;
  body: PlaceOrderBody;
}

/**
 * The scenario of each of `count` orders, by smooth weighted round-robin: every prefix of the sequence is as close
 * to the weights as whole orders allow, and the same flags always produce the same run. A random draw would make
 * a short run's expected counts a matter of luck.
 */
export function planOrders(entries: readonly MixEntry[], count: number): PlannedOrder[] {
  const total = entries.reduce((sum, e) => sum + e.weight, 0);
  if (entries.length === 0 || total <= 0)
    throw new RangeError('a mix needs at least one scenario with a positive weight');
  const current = entries.map(() => 0);
  const used = new Map<string, number>();
  const plan: PlannedOrder[] = [];
  for (let index = 0; index < count; index++) {
    let best = 0;
    entries.forEach((entry, i) => {
      current[i] = (current[i] ?? 0) + entry.weight;
      if ((current[i] ?? 0) > (current[best] ?? 0)) best = i;
    });
    current[best] = (current[best] ?? 0) - total;
    const scenario = (entries[best] as MixEntry).scenario;
    const n = used.get(scenario.name) ?? 0;
    used.set(scenario.name, n + 1);
    plan.push({ index, scenario, body: scenario.body(n) });
  }
  return plan;
}

/** How many orders of a plan should end with each terminal event. */
export function expectedOutcomes(plan: readonly PlannedOrder[]): Record<TerminalEvent, number> {
  const counts: Record<TerminalEvent, number> = { OrderCompleted: 0, OrderFailed: 0, OrderCancelled: 0 };
  for (const { scenario } of plan) counts[scenario.expected] += 1;
  return counts;
}

/** Units of each SKU the plan's orders reserve (an upper bound on the stock the run needs available). */
export function stockNeeded(plan: readonly PlannedOrder[]): Map<string, number> {
  const need = new Map<string, number>();
  for (const { scenario, body } of plan) {
    if (!scenario.reservesStock) continue;
    for (const { sku, quantity } of body.items) need.set(sku, (need.get(sku) ?? 0) + quantity);
  }
  return need;
}
