// What the API shows after a run: the order read model page by page, and the analytics summary.
import type { AnalyticsSummary } from '../../../src/api/ports/analytics-reader.js';

async function getJson<T>(url: string, token: string): Promise<T> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Every order in the read model (GET /orders as an operator, following `nextCursor`), by order ID. */
export async function readModelStatuses(api: string, operatorToken: string): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  let cursor: string | null = null;
  do {
    const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
    const page: { orders: { orderId: string; status: string }[]; nextCursor: string | null } = await getJson(
      `${api}/orders?limit=100${query}`,
      operatorToken,
    );
    for (const o of page.orders) {
      if (statuses.has(o.orderId)) throw new Error(`GET /orders listed ${o.orderId} twice`);
      statuses.set(o.orderId, o.status);
    }
    cursor = page.nextCursor;
  } while (cursor !== null);
  return statuses;
}

/** GET /analytics/summary, an operator's route. */
export function analyticsSummary(api: string, operatorToken: string): Promise<AnalyticsSummary> {
  return getJson(`${api}/analytics/summary`, operatorToken);
}
