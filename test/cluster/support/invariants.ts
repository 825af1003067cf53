// The cluster tests' invariants over the real stores after a fault: every accepted order terminal, each effect once,
// stock conserved, one terminal event per order, the order read model equal to the workflows' outcomes.
import type { Client } from '@temporalio/client';
import type { NatsConnection } from '@nats-io/transport-node';
import pg from 'pg';
import { orderWorkflowId } from '../../../src/shared/order.js';
import type { OrderState } from '../../../src/shared/order-state.js';
import type { orderSaga } from '../../../src/workflows/order-saga.js';
import { readModelStatuses } from '../../scale/support/api-reads.js';
import { messagesPerSubject } from '../../scale/support/cluster.js';
import type { PlacedOrder } from '../../scale/support/orders.js';

/** What the checker reads: the cluster's Temporal (through its load balancer), NATS, PostgreSQL and API. */
export interface ClusterSystem {
  temporal: Client;
  nats: NatsConnection;
  /** A login that may read every service's schema (the cluster's superuser). */
  postgresUrl: string;
  apiUrl: string;
  /** An operator's bearer token: the read model is an operator's read. */
  operatorToken: string;
  /** Every order the API accepted (201 or 202). */
  orders: readonly PlacedOrder[];
}

const terminalStatuses = new Set(['COMPLETED', 'FAILED', 'CANCELLED']);
const terminalEvents = ['OrderCompleted', 'OrderFailed', 'OrderCancelled'] as const;

/** Rows per order, tombstones left out (a compensation that found nothing to undo; not an effect). */
async function effectsPerOrder(db: pg.Client, table: string): Promise<Map<string, { n: number; status: string }>> {
  const { rows } = await db.query<{ order_id: string; n: string; status: string }>(
    `select order_id, count(*) as n, min(status) as status from ${table} where tombstone <> 1 group by order_id`,
  );
  return new Map(rows.map((r) => [r.order_id, { n: Number(r.n), status: r.status }]));
}

/**
 * One pass over the system; an empty list means every invariant holds. Eventually consistent parts (the read model,
 * a workflow still running) show as violations until they settle, so callers poll this until it is empty or a
 * deadline passes, and report the last list. Same shape as the chaos suite's checker, so either can be used.
 */
export async function checkInvariants(system: ClusterSystem): Promise<string[]> {
  const violations: string[] = [];
  const ids = system.orders.map((o) => o.orderId);

  const outcomes = new Map<string, OrderState>();
  await Promise.all(
    ids.map(async (orderId) => {
      const handle = system.temporal.workflow.getHandle<typeof orderSaga>(orderWorkflowId(orderId));
      const { status } = await handle.describe();
      if (status.name !== 'COMPLETED') {
        violations.push(`${orderId}: workflow ${status.name}, not finished`);
        return;
      }
      const state = await handle.result();
      if (!terminalStatuses.has(state.status)) violations.push(`${orderId}: ended in ${state.status}`);
      outcomes.set(orderId, state);
    }),
  );

  const db = new pg.Client({ connectionString: system.postgresUrl });
  await db.connect();
  try {
    const charges = await effectsPerOrder(db, 'payments.charges');
    const reservations = await effectsPerOrder(db, 'inventory.reservations');
    const shipments = await effectsPerOrder(db, 'shipping.shipments');
    const shippedUnits = new Map<string, number>();
    for (const order of system.orders) {
      const { orderId } = order;
      const state = outcomes.get(orderId);
      if (!state) continue;
      const charge = charges.get(orderId);
      if (charge?.n !== 1) violations.push(`${orderId}: ${charge?.n ?? 0} charges, want 1`);
      if ((reservations.get(orderId)?.n ?? 0) > 1) violations.push(`${orderId}: more than one reservation`);
      const shipped = shipments.get(orderId)?.n ?? 0;
      const wantShipped = state.status === 'COMPLETED' ? 1 : 0;
      if (shipped !== wantShipped) violations.push(`${orderId} (${state.status}): ${shipped} shipments`);
      if (state.status === 'COMPLETED') {
        if (charge?.status !== 'captured') violations.push(`${orderId}: completed, charge ${charge?.status}`);
        for (const { sku, quantity } of order.body.items) {
          shippedUnits.set(sku, (shippedUnits.get(sku) ?? 0) + quantity);
        }
      } else if (charge && charge.status === 'captured') {
        violations.push(`${orderId}: ${state.status}, yet its charge is kept`);
      }
    }

    // The stock columns are bigint, which pg hands back as text: counted as numbers here.
    const { rows } = await db.query<{
      sku: string;
      available: string;
      reserved: string;
      shipped: string;
      seeded: string;
      restocked: string;
    }>('select sku, available, reserved, shipped, seeded, restocked from inventory.products');
    const products = rows.map((r) => ({
      sku: r.sku,
      available: Number(r.available),
      reserved: Number(r.reserved),
      shipped: Number(r.shipped),
      seeded: Number(r.seeded),
      restocked: Number(r.restocked),
    }));
    // The cluster is fresh: the units shipped are exactly the completed orders' (a reused data folder would differ).
    for (const p of products) {
      if (p.available + p.reserved + p.shipped !== p.seeded + p.restocked) {
        violations.push(`${p.sku}: stock not conserved (${JSON.stringify(p)})`);
      }
      if (p.reserved !== 0) violations.push(`${p.sku}: ${p.reserved} units left reserved`);
      if (p.shipped !== (shippedUnits.get(p.sku) ?? 0)) {
        violations.push(`${p.sku}: ${p.shipped} units shipped, completed orders hold ${shippedUnits.get(p.sku) ?? 0}`);
      }
    }
  } finally {
    await db.end();
  }

  const subjects = await messagesPerSubject(system.nats);
  const listed = await readModelStatuses(system.apiUrl, system.operatorToken);
  for (const [orderId, state] of outcomes) {
    const terminal = terminalEvents.map((event) => [event, subjects[`orders.${orderId}.${event}`] ?? 0] as const);
    const count = terminal.reduce((sum, [, n]) => sum + n, 0);
    if (count !== 1) violations.push(`${orderId}: ${count} terminal events (${JSON.stringify(terminal)})`);
    const shown = listed.get(orderId);
    if (shown !== state.status) violations.push(`${orderId}: read model says ${shown}, the workflow ${state.status}`);
  }
  return violations;
}
