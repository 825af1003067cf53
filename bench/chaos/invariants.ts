// The chaos checker's invariants: each counts its violations over the facts of a run, with a few examples of each.
import type { ClientOrder } from './client.js';
import type { Facts, WorkflowFact } from './facts.js';
import type { StoredEvent } from './stream.js';

export interface InvariantResult {
  name: string;
  /** What must hold, in one sentence. */
  rule: string;
  /** How many things (orders, SKUs, charges...) were checked. */
  checked: number;
  violations: number;
  /** Up to `maxSamples` violations, each naming what broke. */
  samples: string[];
  /** Set when the invariant could not be judged on this run, and why. */
  notChecked?: string;
}

const maxSamples = 12;
const terminal = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const terminalEvents = { OrderCompleted: 'COMPLETED', OrderFailed: 'FAILED', OrderCancelled: 'CANCELLED' } as const;
const terminalEventNames: ReadonlySet<string> = new Set(Object.keys(terminalEvents));

class Tally {
  checked = 0;
  violations = 0;
  readonly samples: string[] = [];
  constructor(
    readonly name: string,
    readonly rule: string,
  ) {}
  check(ok: boolean, why: () => string): void {
    this.checked++;
    if (ok) return;
    this.violations++;
    if (this.samples.length < maxSamples) this.samples.push(why());
  }
  result(notChecked?: string): InvariantResult {
    const { name, rule, checked, violations, samples } = this;
    return { name, rule, checked, violations, samples, ...(notChecked ? { notChecked } : {}) };
  }
}

/** The orders the system took on: answered 201/202, or with a workflow although no answer came back. */
export function acceptedOrders(facts: Facts): ClientOrder[] {
  return facts.orders.filter(
    (o) => o.status === 201 || o.status === 202 || facts.workflows.get(o.orderId)?.execution !== undefined,
  );
}

const statusOf = (fact: WorkflowFact | undefined) => fact?.state?.status;

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

/** A fault's window on the run's clock (milliseconds since `runStartedAt`). */
export interface FaultWindow {
  kind: string;
  startedAt: number;
  endedAt: number;
}

/**
 * Checks every invariant; the order of the list is the order of the report. With the nemesis's fault windows, a step
 * that timed out while the bus was the only thing away counts against the broker invariant: nothing but NATS being
 * down made it fail (a frozen or killed worker, a restarted Temporal, are faults a step may rightly time out on).
 */
export function checkInvariants(
  facts: Facts,
  faults: readonly FaultWindow[] = [],
  runStartedAt = 0,
): InvariantResult[] {
  const accepted = acceptedOrders(facts);
  const ids = new Set(accepted.map((o) => o.orderId));
  const own = <T extends { orderId: string }>(rows: readonly T[]) => rows.filter((r) => ids.has(r.orderId));
  const charges = own(facts.stores.charges).filter((c) => !c.tombstone);
  const reservations = own(facts.stores.reservations).filter((r) => !r.tombstone);
  const shipments = own(facts.stores.shipments).filter((s) => !s.tombstone);
  const events = facts.stream.events.filter((e) => ids.has(e.orderId));
  const eventCounts = countBy(events, (e) => `${e.orderId}/${e.name}`);
  const eventsOf = (orderId: string, name: string) => eventCounts.get(`${orderId}/${name}`) ?? 0;
  const byOrder = <T extends { orderId: string }>(rows: readonly T[]) => {
    const map = new Map<string, T[]>();
    for (const r of rows) map.set(r.orderId, [...(map.get(r.orderId) ?? []), r]);
    return map;
  };
  const chargesOf = byOrder(charges);
  const reservationsOf = byOrder(reservations);
  const shipmentsOf = byOrder(shipments);
  const status = (orderId: string) => statusOf(facts.workflows.get(orderId));
  /** Its workflow has closed, in a terminal status: a running workflow may still publish or undo something. */
  const ended = (orderId: string) => {
    const fact = facts.workflows.get(orderId);
    return fact?.execution !== undefined && fact.execution !== 'RUNNING' && terminal.has(statusOf(fact) ?? '');
  };

  // 1. Every accepted order reaches a terminal state: none lost, none stuck.
  const ending = new Tally('orders-terminal', 'every accepted order reaches COMPLETED, FAILED or CANCELLED');
  for (const o of accepted) {
    const fact = facts.workflows.get(o.orderId);
    ending.check(ended(o.orderId), () =>
      fact?.execution === undefined
        ? `order ${o.orderId} (${o.kind}, answered ${o.status ?? 'never'}): lost, no workflow`
        : `order ${o.orderId} (${o.kind}): stuck at ${statusOf(fact) ?? '?'} (workflow ${fact.execution})`,
    );
  }

  // 2. No charge, reservation or shipment happens twice.
  const once = new Tally('effects-once', 'at most one charge, one reservation and one shipment per order');
  for (const o of accepted) {
    for (const [what, rows] of [
      ['charges', chargesOf.get(o.orderId)],
      ['reservations', reservationsOf.get(o.orderId)],
      ['shipments', shipmentsOf.get(o.orderId)],
    ] as const) {
      once.check((rows?.length ?? 0) <= 1, () => `order ${o.orderId}: ${rows?.length} ${what}`);
    }
  }

  // 3. Stock conserved per SKU, against the facts rather than the columns' own sum.
  const stock = new Tally(
    'stock-conserved',
    'per SKU: reserved = units of open reservations, shipped = units of completed orders, nothing left reserved ' +
      'for an order that ended, and available + reserved + shipped = seeded + restocked',
  );
  const openUnits = new Map<string, number>();
  const strandedUnits = new Map<string, number>();
  for (const r of reservations.filter((r) => r.status === 'reserved')) {
    const over = ended(r.orderId);
    for (const l of r.lines) {
      openUnits.set(l.sku, (openUnits.get(l.sku) ?? 0) + l.quantity);
      if (over) strandedUnits.set(l.sku, (strandedUnits.get(l.sku) ?? 0) + l.quantity);
    }
  }
  const completedUnits = new Map<string, number>();
  for (const o of accepted.filter((o) => status(o.orderId) === 'COMPLETED')) {
    for (const l of facts.workflows.get(o.orderId)?.state?.lines ?? []) {
      completedUnits.set(l.sku, (completedUnits.get(l.sku) ?? 0) + l.quantity);
    }
  }
  for (const p of facts.stores.products) {
    const open = openUnits.get(p.sku) ?? 0;
    const shipped = completedUnits.get(p.sku) ?? 0;
    const stranded = strandedUnits.get(p.sku) ?? 0;
    stock.check(p.reserved === open, () => `${p.sku}: reserved ${p.reserved}, open reservations hold ${open}`);
    stock.check(p.shipped === shipped, () => `${p.sku}: shipped ${p.shipped}, completed orders took ${shipped}`);
    stock.check(stranded === 0, () => `${p.sku}: ${stranded} units still reserved for orders that ended`);
    stock.check(
      p.available + p.reserved + p.shipped === p.seeded + p.restocked,
      () =>
        `${p.sku}: available ${p.available} + reserved ${p.reserved} + shipped ${p.shipped} ≠ ${p.seeded + p.restocked}`,
    );
  }

  // 4. Every captured payment is either shipped or refunded, exactly once.
  const settled = new Tally(
    'payments-settled',
    'a captured payment belongs to a completed, shipped order and is not refunded; one of an order that did not ' +
      'complete is refunded; a completed order was charged',
  );
  for (const o of accepted) {
    const st = status(o.orderId);
    if (!ended(o.orderId)) continue;
    const charge = chargesOf.get(o.orderId)?.[0];
    const shipped = (shipmentsOf.get(o.orderId) ?? []).some((s) => s.status === 'created');
    if (st === 'COMPLETED') {
      settled.check(charge?.status === 'captured' && !charge.refunded && shipped, () =>
        charge === undefined
          ? `order ${o.orderId}: COMPLETED without a charge`
          : `order ${o.orderId}: COMPLETED with charge ${charge.status}${shipped ? '' : ', no shipment'}`,
      );
    } else if (charge && charge.status !== 'declined') {
      settled.check(
        charge.status === 'refunded' && !shipped,
        () => `order ${o.orderId}: ${st} with charge ${charge.status}${shipped ? ' and a shipment' : ''}`,
      );
    }
  }

  // 5. Every effect has exactly one event, and no event is without its effect.
  const backed = new Tally(
    'event-per-effect',
    'exactly one event for each effect in a store (charge, refund, decline, reservation, release, rejection, ' +
      'shipment, cancellation) and none without one',
  );
  for (const o of accepted) {
    if (!ended(o.orderId)) continue;
    const charge = chargesOf.get(o.orderId)?.[0];
    const reservation = reservationsOf.get(o.orderId)?.[0];
    const shipment = shipmentsOf.get(o.orderId)?.[0];
    const expected: Record<string, number> = {
      PaymentProcessed: charge && charge.status !== 'declined' ? 1 : 0,
      PaymentRefunded: charge?.status === 'refunded' ? 1 : 0,
      PaymentFailed: charge?.status === 'declined' ? 1 : 0,
      InventoryUpdated: reservation && reservation.status !== 'rejected' ? 1 : 0,
      InventoryReleased: reservation?.status === 'released' ? 1 : 0,
      InventoryUpdateFailed: reservation?.status === 'rejected' ? 1 : 0,
      OrderShipped: shipment ? 1 : 0,
      ShipmentCancelled: shipment?.status === 'cancelled' ? 1 : 0,
    };
    for (const [name, want] of Object.entries(expected)) {
      const got = eventsOf(o.orderId, name);
      backed.check(got === want, () => `order ${o.orderId}: ${got} ${name} for ${want} in the store`);
    }
  }

  // 6. Exactly one terminal event per order, the one its workflow ended with; one OrderCreated per priced order.
  const ends = new Tally(
    'one-terminal-event',
    'exactly one OrderCompleted, OrderFailed or OrderCancelled per ended order, matching how it ended, and one ' +
      'OrderCreated per priced order',
  );
  for (const o of accepted) {
    const fact = facts.workflows.get(o.orderId);
    const st = statusOf(fact);
    if (!ended(o.orderId)) continue;
    const found = Object.entries(terminalEvents).flatMap(([name, s]) =>
      Array.from({ length: eventsOf(o.orderId, name) }, () => s),
    );
    ends.check(
      found.length === 1 && found[0] === st,
      () => `order ${o.orderId}: ended ${st}, terminal events [${found.join(', ')}]`,
    );
    if (fact?.state?.total !== undefined) {
      const created = eventsOf(o.orderId, 'OrderCreated');
      ends.check(created === 1, () => `order ${o.orderId}: ${created} OrderCreated`);
    }
  }

  // 7. Read models equal the facts.
  const models = new Tally(
    'read-models-match',
    'the order read model shows each order in the status its workflow ended in; analytics counts orders by status ' +
      'as the workflows do, and its net revenue is what the payments store charged minus what it refunded',
  );
  const factCounts = new Map<string, number>();
  for (const o of accepted) {
    const st = status(o.orderId);
    if (st === undefined) continue;
    factCounts.set(st, (factCounts.get(st) ?? 0) + 1);
    // An order still running is counted above already; its read model may rightly lag a step behind.
    if (!ended(o.orderId)) continue;
    const shown = facts.readModel.get(o.orderId);
    models.check(shown === st, () => `order ${o.orderId}: read model says ${shown ?? 'nothing'}, workflow ${st}`);
  }
  for (const st of new Set([...factCounts.keys(), ...Object.keys(facts.analytics)])) {
    const want = factCounts.get(st) ?? 0;
    const got = facts.analytics[st] ?? 0;
    models.check(got === want, () => `analytics: ${got} orders ${st}, workflows ${want}`);
  }
  // Money: a refund counted for a charge never announced, or a charge counted twice, shows here (every chaos order is in one currency).
  const charged = charges.filter((c) => c.status === 'captured' || c.status === 'refunded');
  const storeMoney = {
    captured: charged.reduce((sum, c) => sum + c.amount, 0),
    refunded: charged.filter((c) => c.status === 'refunded').reduce((sum, c) => sum + c.amount, 0),
  };
  const net = facts.revenue.reduce((sum, r) => sum + r.amount, 0);
  models.check(
    net === storeMoney.captured - storeMoney.refunded,
    () =>
      `analytics net revenue ${net}, the payments store ${storeMoney.captured} captured - ${storeMoney.refunded} ` +
      `refunded = ${storeMoney.captured - storeMoney.refunded}`,
  );

  // 8. A business outcome never depends on the broker being up.
  const bus = new Tally(
    'outcome-independent-of-bus',
    'no order failed or was cancelled because events could not be published (a publish error, or a step timed out while NATS was the only part down)',
  );
  for (const o of accepted) {
    const failure = facts.workflows.get(o.orderId)?.state?.failure;
    const steps = facts.workflows.get(o.orderId)?.state?.steps ?? [];
    const publishFailure = [failure, ...steps.map((s) => s.failure)].find((f) =>
      /EventPublish|publish/i.test(`${f?.code ?? ''} ${f?.message ?? ''}`),
    );
    const timedOutOnBus = steps.find((s) => {
      if (
        s.outcome !== 'failed' ||
        !/TIMED_OUT|timed out/i.test(`${s.failure?.code ?? ''} ${s.failure?.message ?? ''}`)
      )
        return false;
      const from = Date.parse(s.startedAt) - runStartedAt;
      const to = (s.finishedAt ? Date.parse(s.finishedAt) : Number.POSITIVE_INFINITY) - runStartedAt;
      const hit = faults.filter((f) => f.startedAt <= to && f.endedAt >= from);
      return hit.length > 0 && hit.every((f) => f.kind === 'nats-outage');
    });
    bus.check(publishFailure === undefined && timedOutOnBus === undefined, () =>
      publishFailure !== undefined
        ? `order ${o.orderId} (${o.kind}): ${publishFailure.code}: ${publishFailure.message}`
        : `order ${o.orderId} (${o.kind}): ${timedOutOnBus?.name} timed out while NATS was down and nothing else was`,
    );
  }

  // 9. An order's events carry distinct sequence numbers, so readers can order them whatever the stream order.
  const ordered = new Tally(
    'events-sequenced',
    'each event of an order carries its own sequence number from the workflow, none repeated (every order of a run is ' +
      'on a release that numbers them), OrderCreated first and the terminal event last',
  );
  for (const [orderId, all] of byOrder<StoredEvent>(events)) {
    // One per event ID: a relay that lost its ack, or a re-drive, may store the same event twice.
    const list = [...new Map(all.map((e) => [e.id, e])).values()];
    const numbers = list.map((e) => e.sequence);
    const numbered = numbers.every((n) => n !== undefined) && new Set(numbers).size === numbers.length;
    const inOrder = [...list].sort((a, b) => (a.sequence ?? 0) - (b.sequence ?? 0)).map((e) => e.name);
    const terminal = inOrder.findIndex((name) => terminalEventNames.has(name));
    // Nothing but reminders of a parked order may follow its terminal event; OrderCreated comes before all.
    const sagaOrder =
      inOrder[0] === 'OrderCreated' &&
      (terminal === -1 || inOrder.slice(terminal + 1).every((name) => name === 'CompensationReminder'));
    ordered.check(
      numbered && sagaOrder,
      () => `order ${orderId}: sequences [${numbers.join(', ')}] for [${list.map((e) => e.name).join(', ')}]`,
    );
  }

  return [
    ending.result(),
    once.result(),
    stock.result(),
    settled.result(),
    backed.result(),
    ends.result(),
    models.result(),
    bus.result(),
    ordered.result(),
  ];
}

/** Orders by kind and how they ended, with the failure codes of those that did not end as their content says. */
export function outcomesByKind(facts: Facts): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const o of acceptedOrders(facts)) {
    const state = facts.workflows.get(o.orderId)?.state;
    const label =
      state?.status === undefined ? 'unknown' : `${state.status}${state.failure ? `:${state.failure.code}` : ''}`;
    const row = (out[o.kind] ??= {});
    row[label] = (row[label] ?? 0) + 1;
  }
  return out;
}
