// Reads the services' own records after a chaos run, on either engine: charges, reservations with their lines, stock, shipments.
import type { Kysely } from 'kysely';
import type { InventoryTables } from '../../src/activities/inventory/tables.js';
import type { PaymentTables } from '../../src/activities/payments/tables.js';
import type { ShippingTables } from '../../src/activities/shipping/tables.js';
import { openDatabase, serviceDatabase } from '../../src/db/database.js';
import type { Config } from '../../src/config/env.js';

export interface ChargeRow {
  orderId: string;
  status: string;
  amount: number;
  refunded: boolean;
  tombstone: boolean;
}

export interface ReservationRow {
  orderId: string;
  reservationId: string;
  status: string;
  tombstone: boolean;
  lines: { sku: string; quantity: number }[];
}

export interface ProductRow {
  sku: string;
  available: number;
  reserved: number;
  shipped: number;
  seeded: number;
  restocked: number;
}

export interface ShipmentRow {
  orderId: string;
  status: string;
  tombstone: boolean;
}

export interface StoreContents {
  charges: ChargeRow[];
  reservations: ReservationRow[];
  products: ProductRow[];
  shipments: ShipmentRow[];
}

async function withDb<DB, T>(
  config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL'>,
  service: string,
  read: (db: Kysely<DB>) => Promise<T>,
): Promise<T> {
  const db = openDatabase<DB>(serviceDatabase(config, service), service);
  try {
    return await read(db);
  } finally {
    await db.destroy();
  }
}

/** Every row of the three services' stores that the invariants are about, tombstones included (marked). */
export async function readStores(config: Pick<Config, 'DATA_DIR' | 'DATABASE_URL'>): Promise<StoreContents> {
  const charges = await withDb<PaymentTables, ChargeRow[]>(config, 'payments', async (db) =>
    (await db.selectFrom('charges').selectAll().execute()).map((c) => ({
      orderId: c.order_id,
      status: c.status,
      amount: Number(c.amount),
      refunded: c.refund_key !== null,
      tombstone: Number(c.tombstone) === 1,
    })),
  );
  const { reservations, products } = await withDb<InventoryTables, Omit<StoreContents, 'charges' | 'shipments'>>(
    config,
    'inventory',
    async (db) => {
      const lines = await db.selectFrom('reservation_lines').selectAll().execute();
      const byReservation = new Map<string, { sku: string; quantity: number }[]>();
      for (const l of lines) {
        const list = byReservation.get(l.reservation_id) ?? [];
        list.push({ sku: l.sku, quantity: Number(l.quantity) });
        byReservation.set(l.reservation_id, list);
      }
      return {
        reservations: (await db.selectFrom('reservations').selectAll().execute()).map((r) => ({
          orderId: r.order_id,
          reservationId: r.reservation_id,
          status: r.status,
          tombstone: Number(r.tombstone) === 1,
          lines: byReservation.get(r.reservation_id) ?? [],
        })),
        products: (await db.selectFrom('products').selectAll().execute()).map((p) => ({
          sku: p.sku,
          available: Number(p.available),
          reserved: Number(p.reserved),
          shipped: Number(p.shipped),
          seeded: Number(p.seeded),
          restocked: Number(p.restocked),
        })),
      };
    },
  );
  const shipments = await withDb<ShippingTables, ShipmentRow[]>(config, 'shipping', async (db) =>
    (await db.selectFrom('shipments').selectAll().execute()).map((s) => ({
      orderId: s.order_id,
      status: s.status,
      tombstone: Number(s.tombstone) === 1,
    })),
  );
  return { charges, reservations, products, shipments };
}
