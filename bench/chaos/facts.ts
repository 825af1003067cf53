// Gathers what the checker judges after a chaos run: each order's workflow, the services' stores, the stream, and the read models through the API.
import type { Client } from '@temporalio/client';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Config } from '../../src/config/env.js';
import { orderWorkflowId } from '../../src/shared/order.js';
import type { OrderState } from '../../src/shared/order-state.js';
import { getStateQuery } from '../../src/workflows/definitions.js';
import type { ClientOrder } from './client.js';
import { readStores } from './stores.js';
import type { StoreContents } from './stores.js';
import { readStream } from './stream.js';
import type { StreamContents } from './stream.js';

/** An order's workflow as Temporal has it. */
export interface WorkflowFact {
  /** RUNNING, COMPLETED, FAILED, TERMINATED...; undefined when there is no such workflow. */
  execution?: string;
  /** The order's own state: the workflow's result once closed, its `getState` answer while running. */
  state?: OrderState;
  /** Milliseconds on the run's clock when the workflow closed. */
  closedAt?: number;
}

export interface Facts {
  orders: ClientOrder[];
  workflows: Map<string, WorkflowFact>;
  stores: StoreContents;
  stream: StreamContents;
  /** The order read model (GET /orders, every page): status by order ID. */
  readModel: Map<string, string>;
  /** GET /analytics/summary's `ordersByStatus`. */
  analytics: Record<string, number>;
  /** GET /analytics/summary's `revenue`: net minor units (captured minus refunded), per currency. */
  revenue: { amount: number; currency: string }[];
}

export interface FactSources {
  client: Client;
  nc: NatsConnection;
  apiUrl: string;
  /** An operator's bearer token: the read model and analytics are operator reads. */
  operatorToken: string;
  storeConfig: Pick<Config, 'DATA_DIR' | 'DATABASE_URL'>;
  /** Epoch milliseconds the run's clock counts from. */
  runStartedAt: number;
}

/** Runs `work` over `items`, `concurrency` at a time. */
async function eachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < items.length; i = next++) await work(items[i] as T);
    }),
  );
}

export async function readWorkflows(
  client: Client,
  orderIds: readonly string[],
  runStartedAt: number,
): Promise<Map<string, WorkflowFact>> {
  const facts = new Map<string, WorkflowFact>();
  await eachLimited(orderIds, 16, async (orderId) => {
    const handle = client.workflow.getHandle(orderWorkflowId(orderId));
    let description;
    try {
      description = await handle.describe();
    } catch {
      facts.set(orderId, {});
      return;
    }
    const execution = description.status.name;
    const fact: WorkflowFact = { execution };
    if (description.closeTime) fact.closedAt = description.closeTime.getTime() - runStartedAt;
    try {
      fact.state =
        execution === 'COMPLETED' ? ((await handle.result()) as OrderState) : await handle.query(getStateQuery);
    } catch {
      // A failed or terminated run has no result, and a query needs a worker: the execution status stands alone.
    }
    facts.set(orderId, fact);
  });
  return facts;
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const headers = { authorization: `Bearer ${token}` };
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(20_000) });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every order in the read model, following `nextCursor`. */
export async function readOrderReadModel(apiUrl: string, token: string): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page: { orders: { orderId: string; status: string }[]; nextCursor: string | null } = await getJson(
      `${apiUrl}/orders?limit=100${query}`,
      token,
    );
    for (const o of page.orders) statuses.set(o.orderId, o.status);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return statuses;
}

export async function collectFacts(sources: FactSources, orders: ClientOrder[]): Promise<Facts> {
  const workflows = await readWorkflows(
    sources.client,
    orders.map((o) => o.orderId),
    sources.runStartedAt,
  );
  const [stores, stream, readModel, summary] = await Promise.all([
    readStores(sources.storeConfig),
    readStream(sources.nc),
    readOrderReadModel(sources.apiUrl, sources.operatorToken),
    getJson<{
      ordersByStatus: Record<string, number>;
      revenue: { amount: number; currency: string }[];
    }>(`${sources.apiUrl}/analytics/summary`, sources.operatorToken),
  ]);
  return { orders, workflows, stores, stream, readModel, analytics: summary.ordersByStatus, revenue: summary.revenue };
}
