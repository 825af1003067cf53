// The order read model's database and its queries: the list (filters, newest first, cursor) and one order.
import type { Kysely, Selectable } from 'kysely';
import type { PricedLine } from '../../shared/order.js';
import { emptyUntilCreated, readSnapshot } from '../databases.js';
import { liveGeneration, readModelBaseDb, rebuildableStoreOpener } from '../generation.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { orderReadModelMigrations } from './migrations.js';
import { orderProjection } from './projection.js';
import type { OrderReadModelTables, OrdersTable } from './tables.js';

/** One order as the read model keeps it: its row, with the lines parsed and the failure as one field. */
export interface StoredOrder {
  orderId: string;
  customerId: string | null;
  status: string | null;
  /** Minor units, with `currency`; null until an event states the amount. */
  total: number | null;
  currency: string | null;
  /** The priced lines, when an order event stated them. */
  lines: PricedLine[] | null;
  /** OrderCreated v2's approval deadline, when the order needed one and a v2 event stated it. */
  approvalDeadline: string | null;
  /** Why the order failed or was cancelled, from the latest order event that says so. */
  failure: { code: string; message: string } | null;
  createdAt: string;
  updatedAt: string;
  lastEvent: string;
}

/** What the list filters on; the API's port asks with the same fields (its `status` an `OrderStatus`). */
export interface StoredOrderQuery {
  status?: string;
  customerId?: string;
  limit: number;
  /** From the previous page's `nextCursor`. */
  cursor?: string;
}

/** One page of the list, newest first. */
export interface StoredOrderPage {
  items: StoredOrder[];
  /** Present when there may be more orders. */
  nextCursor?: string;
}

export class OrderReadModelStore {
  constructor(readonly db: Kysely<OrderReadModelTables>) {}

  /**
   * Newest first (creation time, then order ID to break ties). Each page reads in one transaction, so a
   * rebuild switching generations never shows half of each.
   */
  async listOrders(query: StoredOrderQuery): Promise<StoredOrderPage> {
    const limit = Math.max(1, Math.min(query.limit, 500));
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const rows = await emptyUntilCreated(
      readSnapshot(this.db).execute(async (trx) => {
        const generation = await liveGeneration(readModelBaseDb(trx), orderProjection.name);
        let q = trx.selectFrom('orders').selectAll().where('generation', '=', generation);
        if (query.status !== undefined) q = q.where('status', '=', query.status);
        if (query.customerId !== undefined) q = q.where('customer_id', '=', query.customerId);
        if (after !== undefined) {
          q = q.where((eb) =>
            eb.or([
              eb('created_at', '<', after.createdAt),
              eb.and([eb('created_at', '=', after.createdAt), eb('order_id', '<', after.orderId)]),
            ]),
          );
        }
        return q
          .orderBy('created_at', 'desc')
          .orderBy('order_id', 'desc')
          .limit(limit + 1)
          .execute();
      }),
      [],
    );
    const items = rows.slice(0, limit).map(toStored);
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, nextCursor: encodeCursor(last) } : { items };
  }

  async getOrder(orderId: string): Promise<StoredOrder | undefined> {
    const row = await emptyUntilCreated(
      readSnapshot(this.db).execute(async (trx) => {
        const generation = await liveGeneration(readModelBaseDb(trx), orderProjection.name);
        return trx
          .selectFrom('orders')
          .selectAll()
          .where('generation', '=', generation)
          .where('order_id', '=', orderId)
          .executeTakeFirst();
      }),
      undefined,
    );
    return row && toStored(row);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

function toStored(row: Selectable<OrdersTable>): StoredOrder {
  return {
    orderId: row.order_id,
    customerId: row.customer_id,
    status: row.status,
    total: row.total,
    currency: row.currency,
    lines: row.lines === null ? null : (JSON.parse(row.lines) as PricedLine[]),
    approvalDeadline: row.approval_deadline,
    failure: row.failure_code === null ? null : { code: row.failure_code, message: row.failure_message ?? '' },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastEvent: row.last_event,
  };
}

/** Opens (and, unless read-only on PostgreSQL, migrates) the order read model's database: schema `order_read_model`. */
export const openOrderReadModel = rebuildableStoreOpener(
  OrderReadModelStore,
  'order_read_model',
  orderReadModelMigrations,
  orderProjection,
);
