// The chaos run's customers and operator: orders with Idempotency-Keys at a steady rate, every request whose answer was lost sent again with the same key.
import { orderIdForKey } from '../../src/api/orders/idempotency.js';
import type { PlaceOrderBody } from '../loadgen/mix.js';
import { bearer } from '../loadgen/tokens.js';
import type { ApiTokens } from '../loadgen/tokens.js';

/**
 * What decides an order's fate by its content: `ok` completes; `declined` fails at the charge; `soldout` fails at
 * the reservation (refund); `unserved` ships where shipping does not go (release, refund); `approval` is above the
 * approval threshold and completes once the run's operator approves it.
 */
export type OrderKind = 'ok' | 'declined' | 'soldout' | 'unserved' | 'approval';

/** Ten orders in a cycle: six that complete, one of each refusal, one waiting for approval. */
const cycle: OrderKind[] = ['ok', 'declined', 'ok', 'soldout', 'ok', 'approval', 'ok', 'unserved', 'ok', 'ok'];

export function orderBody(kind: OrderKind, i: number): PlaceOrderBody {
  const sku =
    kind === 'soldout' ? 'SKU-SOLDOUT' : kind === 'approval' ? 'SKU-LAPTOP' : i % 2 === 0 ? 'SKU-TSHIRT' : 'SKU-MUG';
  const abroad = kind === 'unserved';
  return {
    customerId: `cus-chaos-${i % 7}`,
    items: [{ sku, quantity: kind === 'approval' ? 1 : 1 + (i % 2) }],
    payment: { token: kind === 'declined' ? 'tok_declined' : 'tok_ok' },
    shippingAddress: {
      name: `Customer ${i}`,
      line1: abroad ? '1-1 Marunouchi' : 'Damrak 1',
      city: abroad ? 'Tokyo' : 'Amsterdam',
      postalCode: abroad ? '100-0005' : '1012 LG',
      country: abroad ? 'JP' : 'NL',
    },
  };
}

/** One order as the client saw it. Times are milliseconds on the run's clock. */
export interface ClientOrder {
  i: number;
  kind: OrderKind;
  key: string;
  /** Derived from the customer and the key, as the API does: known even if no answer ever came. */
  orderId: string;
  body: PlaceOrderBody;
  sentAt: number;
  /** When the first answer came (undefined: none did before the run gave up). */
  answeredAt?: number;
  /** 201 priced, 202 accepted, or a refusal's status. */
  status?: number;
  /** The answer's error code, for a refusal. */
  errorCode?: string;
  /** Requests sent for it (1 + resends). */
  attempts: number;
  /** Resends after a lost answer (a refused or cut connection, a timeout, a 5xx). */
  lostAnswers: number;
  /** For `approval` orders: when the operator's approval was answered. */
  approvedAt?: number;
  approveAttempts?: number;
}

export interface ClientOptions {
  apiUrl: string;
  /** Each order is placed as its customer; approvals and state reads are an operator's. */
  tokens: ApiTokens;
  runId: string;
  /** Orders per second. */
  rate: number;
  /** The run's clock. */
  now: () => number;
  log: (line: string) => void;
  /** How long one request may take before its answer counts as lost. */
  requestTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An answer that says what happened to the request; anything else (no answer, a 5xx) is lost and sent again, and so
 * are a 401 (the harness's token, signed afresh on the next try) and a 429 (the harness's own pace): neither is the
 * order's outcome.
 */
const answered = (status: number) => status < 500 && status !== 401 && status !== 429;

/**
 * Sends orders open-loop at `rate` until `stopSending`, each with an Idempotency-Key; a request whose answer was lost
 * is sent again with the same key and body (backing off to 5 s) until it gets one, or until `giveUp`. Orders waiting
 * for approval are approved the same way.
 */
export class ChaosClient {
  readonly orders: ClientOrder[] = [];
  private sending = true;
  private givenUp = false;
  private readonly inFlight = new Set<Promise<void>>();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: ClientOptions) {}

  start(): void {
    this.loop = this.sendLoop();
  }

  /** Stops placing new orders; requests already in flight keep being re-sent. */
  async stopSending(): Promise<void> {
    this.sending = false;
    await this.loop;
  }

  /** Waits for every order's request (and approval) to be answered, for at most `timeoutMs`. */
  async settle(timeoutMs: number): Promise<void> {
    const timer = setTimeout(() => (this.givenUp = true), timeoutMs);
    try {
      while (this.inFlight.size > 0) await Promise.race(this.inFlight);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Abandons requests still unanswered. */
  giveUp(): void {
    this.givenUp = true;
  }

  get counts() {
    const answeredOrders = this.orders.filter((o) => o.answeredAt !== undefined);
    return {
      sent: this.orders.length,
      answered: answeredOrders.length,
      accepted: this.orders.filter((o) => o.status === 201 || o.status === 202).length,
      lostAnswers: this.orders.reduce((n, o) => n + o.lostAnswers, 0),
    };
  }

  private async sendLoop(): Promise<void> {
    const { rate, now } = this.options;
    const started = now();
    for (let i = 0; this.sending; i++) {
      const due = started + (i * 1000) / rate;
      if (due > now()) await sleep(due - now());
      if (!this.sending) break;
      const job = this.place(i);
      this.inFlight.add(job);
      void job.finally(() => this.inFlight.delete(job));
    }
  }

  private async place(i: number): Promise<void> {
    const kind = cycle[i % cycle.length] ?? 'ok';
    const body = orderBody(kind, i);
    const key = `${this.options.runId}-${i}`;
    const order: ClientOrder = {
      i,
      kind,
      key,
      orderId: orderIdForKey(body.customerId, key),
      body,
      sentAt: this.options.now(),
      attempts: 0,
      lostAnswers: 0,
    };
    this.orders.push(order);
    const answer = await this.untilAnswered(order, async () =>
      fetch(`${this.options.apiUrl}/orders`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': key,
          ...bearer(await this.options.tokens.customer(body.customerId)),
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.requestTimeoutMs ?? 20_000),
      }),
    );
    if (!answer) return;
    order.answeredAt = this.options.now();
    order.status = answer.status;
    if (answer.status !== 201 && answer.status !== 202) {
      order.errorCode = (answer.body as { error?: { code?: string } }).error?.code;
      return;
    }
    if (kind === 'approval') await this.approve(order);
  }

  /**
   * The operator approves once the order waits for it (a 202 placement may not be priced yet). A 409 means it is not
   * waiting (yet, or any more): the order's state says which.
   */
  private async approve(order: ClientOrder): Promise<void> {
    const counter = { attempts: 0, lostAnswers: 0 };
    const timeout = () => AbortSignal.timeout(this.options.requestTimeoutMs ?? 20_000);
    while (!this.givenUp) {
      const operator = bearer(await this.options.tokens.operator());
      const state = await this.untilAnswered(counter, () =>
        fetch(`${this.options.apiUrl}/orders/${order.orderId}`, { headers: operator, signal: timeout() }),
      );
      const status = (state?.body as { status?: string } | undefined)?.status;
      if (status === 'PENDING' || state?.status === 404) {
        await sleep(1_000);
        continue;
      }
      if (status !== 'AWAITING_APPROVAL') break;
      const answer = await this.untilAnswered(counter, () =>
        fetch(`${this.options.apiUrl}/orders/${order.orderId}/approve`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...operator },
          body: '{}',
          signal: timeout(),
        }),
      );
      if (answer && answer.status !== 409) break;
    }
    order.approveAttempts = counter.attempts;
    if (!this.givenUp) order.approvedAt = this.options.now();
  }

  private async untilAnswered(
    counter: { attempts: number; lostAnswers: number },
    send: () => Promise<Response>,
  ): Promise<{ status: number; body: unknown } | undefined> {
    for (let backoff = 500; !this.givenUp; backoff = Math.min(5_000, backoff * 2)) {
      counter.attempts++;
      try {
        const res = await send();
        const text = await res.text();
        if (answered(res.status)) return { status: res.status, body: text ? (JSON.parse(text) as unknown) : {} };
      } catch {
        // Refused, cut or timed out: the answer is lost, whatever the server did.
      }
      counter.lostAnswers++;
      // Jittered, so the requests a restart left unanswered do not all come back in the same instant.
      await sleep(backoff / 2 + Math.random() * backoff);
    }
    return undefined;
  }
}
