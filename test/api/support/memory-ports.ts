// In-memory read ports, ONLY for unit tests of the API's route code (the real ones are the event side's).
import { parseEnvelope } from '../../../src/events/envelope.js';
import type { EventEnvelope, ParsedEvent } from '../../../src/events/envelope.js';
import type { AnalyticsReader, AnalyticsSummary } from '../../../src/api/ports/analytics-reader.js';
import type { EventHistory } from '../../../src/api/ports/event-history.js';
import type { CustomerNotification, NotificationReader } from '../../../src/api/ports/notification-reader.js';
import type {
  ListOrdersQuery,
  OrderPage,
  OrderReadModel,
  OrderSummary,
} from '../../../src/api/ports/order-read-model.js';
import type { CatalogueProduct, ProductCatalogue } from '../../../src/api/ports/product-catalogue.js';
import { decodeCursor, encodeCursor } from '../../../src/read-models/orders/cursor.js';

/** Newest first by (createdAt, orderId), with the read model's own cursor format. */
export class MemoryOrderReadModel implements OrderReadModel {
  readonly orders = new Map<string, OrderSummary>();

  add(...orders: OrderSummary[]): this {
    for (const order of orders) this.orders.set(order.orderId, order);
    return this;
  }

  listOrders(query: ListOrdersQuery): Promise<OrderPage> {
    let after: [string, string] | undefined;
    if (query.cursor !== undefined) {
      try {
        const { createdAt, orderId } = decodeCursor(query.cursor);
        after = [createdAt, orderId];
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    }
    const key = (o: OrderSummary) => `${o.createdAt}\u0000${o.orderId}`;
    const sorted = [...this.orders.values()]
      .filter((o) => query.status === undefined || o.status === query.status)
      .filter((o) => query.customerId === undefined || o.customerId === query.customerId)
      .sort((a, b) => (key(a) < key(b) ? 1 : -1))
      .filter((o) => after === undefined || key(o) < `${after[0]}\u0000${after[1]}`);
    const page = sorted.slice(0, query.limit);
    const last = page.at(-1);
    const more = sorted.length > query.limit && last !== undefined;
    return Promise.resolve({
      orders: page,
      ...(more ? { nextCursor: encodeCursor(last) } : {}),
    });
  }

  getOrder(orderId: string): Promise<OrderSummary | undefined> {
    return Promise.resolve(this.orders.get(orderId));
  }
}

export class MemoryNotifications implements NotificationReader {
  readonly notifications: CustomerNotification[] = [];

  listNotifications(customerId: string): Promise<CustomerNotification[]> {
    return Promise.resolve(
      this.notifications
        .filter((n) => n.customerId === customerId)
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)),
    );
  }
}

export class MemoryAnalytics implements AnalyticsReader {
  constructor(
    public current: AnalyticsSummary = { ordersByStatus: {}, revenue: [], failuresByReason: {}, eventsProcessed: 0 },
  ) {}

  summary(): Promise<AnalyticsSummary> {
    return Promise.resolve(this.current);
  }
}

export class MemoryCatalogue implements ProductCatalogue {
  constructor(readonly products: CatalogueProduct[] = []) {}

  listProducts(): Promise<CatalogueProduct[]> {
    return Promise.resolve(this.products);
  }
}

/**
 * Past events from a list that `source()` returns (a MemoryEventPublisher's `published`, or a test's own),
 * then new ones as they appear, polled every 20 ms, as a JetStream ordered consumer would deliver them.
 * Duplicate IDs are dropped; each is parsed, as the real history parses what it reads. Ends when the signal aborts. `opened` and `closed` count follows, so tests
 * can check the route releases what it opened.
 */
export class MemoryEventHistory implements EventHistory {
  opened = 0;
  closed = 0;

  constructor(private readonly source: () => readonly EventEnvelope[]) {}

  recorded(orderId: string, limit: number): Promise<ParsedEvent[]> {
    const seen = new Set<string>();
    const events = this.source().filter((e) => e.subject === orderId && !seen.has(e.id) && seen.add(e.id));
    return Promise.resolve(events.slice(0, limit).map((e) => parseEnvelope(e)));
  }

  async *follow(orderId: string, signal: AbortSignal): AsyncIterable<ParsedEvent> {
    this.opened += 1;
    const seen = new Set<string>();
    let index = 0;
    try {
      while (!signal.aborted) {
        const all = this.source();
        for (; index < all.length; index += 1) {
          const event = all[index];
          if (event === undefined || event.subject !== orderId || seen.has(event.id)) continue;
          seen.add(event.id);
          yield parseEnvelope(event);
          if (signal.aborted) return;
        }
        // One listener at a time: a long follow would otherwise pile one up per poll (and Node warns of a leak).
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
          };
          const timer = setTimeout(done, 20);
          signal.addEventListener('abort', done, { once: true });
        });
      }
    } finally {
      this.closed += 1;
    }
  }
}
