// Orders through the cluster's API load balancer as a careful client sends them: the same Idempotency-Key again after a
// dropped connection or a 503 (a Temporal server or an API process going away), until it is accepted.
import { orderBody } from '../../scale/support/orders.js';
import type { OrderKind, PlacedOrder } from '../../scale/support/orders.js';
import { bearer } from '../../../bench/loadgen/tokens.js';
import type { ApiTokens } from '../../../bench/loadgen/tokens.js';

export interface Placement {
  orders: PlacedOrder[];
  /** Answers that were retried, by cause (`503 UNAVAILABLE`, `connection`): what the faults cost the clients. */
  retried: Record<string, number>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * POSTs one order per kind, `concurrency` at a time. A refused or dropped connection and a 503 are retried with the
 * same key for up to `retryForMs`, a second apart; any other answer than 201 or 202 fails the run at once.
 */
export async function placeThroughBalancer(
  api: string,
  kinds: readonly OrderKind[],
  {
    concurrency,
    runId,
    tokens,
    retryForMs = 90_000,
  }: { concurrency: number; runId: string; tokens: ApiTokens; retryForMs?: number },
): Promise<Placement> {
  const orders = new Array<PlacedOrder>(kinds.length);
  const retried: Record<string, number> = {};
  const retry = (cause: string) => (retried[cause] = (retried[cause] ?? 0) + 1);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < kinds.length; i = next++) {
      const kind = kinds[i] ?? 'ok';
      const body = orderBody(kind, i);
      const deadline = Date.now() + retryForMs;
      for (let attempt = 1; ; attempt++) {
        let res: Response | undefined;
        let answer: { orderId?: string; error?: { code?: string } } = {};
        try {
          res = await fetch(`${api}/orders`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'idempotency-key': `${runId}-${i}`,
              ...bearer(await tokens.customer(body.customerId)),
            },
            body: JSON.stringify(body),
          });
          // The load balancer's own 503 (no API process ready) is HTML, not the API's JSON error.
          answer = (await res
            .json()
            .catch(() => ({ error: { code: 'not the API: no process ready' } }))) as typeof answer;
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`order ${i}: no answer within ${retryForMs} ms`, { cause: error });
          retry('connection');
          await sleep(1_000);
          continue;
        }
        if ((res.status === 201 || res.status === 202) && answer.orderId) {
          orders[i] = { orderId: answer.orderId, kind, body, status: res.status, answeredBy: api, attempts: attempt };
          break;
        }
        if (res.status !== 503 || Date.now() > deadline) {
          throw new Error(`order ${i} (${kind}): ${res.status} ${JSON.stringify(answer)}`);
        }
        retry(`503 ${answer.error?.code ?? '?'}`);
        await sleep(1_000);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { orders, retried };
}
