// The shipping store: its port, and the Kysely implementation that owns each local transaction.
import type { Selectable } from 'kysely';
import type { DatabaseLocation } from '../../db/database.js';
import type { ShippingAddress } from '../../shared/order.js';
import { openMigrated } from '../../db/migrate.js';
import type { Outbox } from '../../events/outbox/outbox.js';
import { ServiceStore } from '../service-store.js';
import type { EventsOf } from '../service-store.js';
import { findByKey, insertOrGet, latestOfOrder, moveFromStatus, storedStep } from '../step-rows.js';
import type { StoredStep } from '../step-rows.js';
import { rowToUndo } from '../tombstone.js';
import type { TombstoneSpec, UndoInput } from '../tombstone.js';
import { shippingMigrations } from './migrations.js';
import type { ShipmentStatus, ShipmentsTable, ShippingTables } from './tables.js';

/** One shipment. Its tombstone (a cancellation found none) is `cancelled` and holds no parcel. */
export interface Shipment extends StoredStep {
  shipmentId: string;
  carrier: string;
  trackingNumber: string;
  country: string;
  itemCount: number;
  status: ShipmentStatus;
  cancelledAt?: string;
  /** The destination it was booked for; absent on shipments stored before addresses were kept. */
  address?: ShippingAddress;
}

/** A shipment to store, once its carrier and tracking number are chosen. */
export interface NewShipment extends Omit<Shipment, 'createdAt' | 'status' | 'cancelledAt' | 'tombstone' | 'address'> {
  address: ShippingAddress;
  at: string;
}

/** `forwardKey` is the shipment step's: with no shipment to cancel, a later createShipment attempt ships nothing. */
export type CancelShipmentInput = UndoInput;

/** `applied` is true when this idempotency key cancelled the shipment (now or on an earlier attempt). */
export interface CancelOutcome {
  applied: boolean;
  shipment?: Shipment;
}

export interface ShippingStore {
  findShipmentByKey(idempotencyKey: string): Promise<Shipment | undefined>;
  findShipmentByOrder(orderId: string): Promise<Shipment | undefined>;
  /** Every shipment (tombstones left out), oldest first: the facts a consistency check compares stock and orders with. */
  listShipments(): Promise<Shipment[]>;
  /**
   * Stores the shipment unless its key already has one, with `events` (OrderShipped) in the same transaction when this
   * call stored it; returns the stored row either way.
   */
  createShipment(shipment: NewShipment, events?: EventsOf<Shipment>): Promise<Shipment>;
  /**
   * Cancels the order's shipment in one transaction, with `events` (ShipmentCancelled) when this call cancelled it;
   * with none to cancel, see `forwardKey`.
   */
  cancelShipment(input: CancelShipmentInput, events?: EventsOf<Shipment>): Promise<CancelOutcome>;
  /** Where the shipments' events wait for the relay (and where a replay of an older shipment backfills them). */
  readonly outbox: Outbox;
  close(): Promise<void>;
}

/** Opens (and migrates) the shipping database: a SQLite file, or the `shipping` schema of a PostgreSQL database. */
export async function openShippingStore(location: DatabaseLocation): Promise<KyselyShippingStore> {
  return new KyselyShippingStore(
    await openMigrated<ShippingTables>(location, 'shipping', shippingMigrations),
    'shipping',
  );
}

/** Dialect-neutral: SQLite or PostgreSQL, with the same queries. */
export class KyselyShippingStore extends ServiceStore<ShippingTables> implements ShippingStore {
  async findShipmentByKey(idempotencyKey: string): Promise<Shipment | undefined> {
    const row = await findByKey(this.db, 'shipments', idempotencyKey);
    return row && toShipment(row);
  }

  async findShipmentByOrder(orderId: string): Promise<Shipment | undefined> {
    const row = await latestOfOrder(this.db, 'shipments', orderId);
    return row && toShipment(row);
  }

  async listShipments(): Promise<Shipment[]> {
    const rows = await this.db
      .selectFrom('shipments')
      .selectAll()
      .where('tombstone', '=', 0)
      .orderBy('created_at')
      .orderBy('shipment_id')
      .execute();
    return rows.map(toShipment);
  }

  async createShipment(shipment: NewShipment, events?: EventsOf<Shipment>): Promise<Shipment> {
    return this.transaction(async (trx, write) => {
      const { row, inserted } = await insertOrGet(trx, 'shipments', shipment, {
        shipment_id: shipment.shipmentId,
        carrier: shipment.carrier,
        tracking_number: shipment.trackingNumber,
        country: shipment.country,
        item_count: shipment.itemCount,
        status: 'created',
        cancel_key: null,
        cancelled_at: null,
        address: JSON.stringify(shipment.address),
      });
      const stored = toShipment(row);
      if (inserted && events) await write(events(stored));
      return stored;
    });
  }

  async cancelShipment(input: CancelShipmentInput, events?: EventsOf<Shipment>): Promise<CancelOutcome> {
    return this.transaction(async (trx, write) => {
      const row = await rowToUndo(trx, shipmentTombstone, input);
      if (row === undefined) return { applied: false };
      if (row.status === 'cancelled') {
        return row.cancel_key === input.idempotencyKey
          ? { applied: true, shipment: toShipment(row) }
          : { applied: false };
      }
      const cancelled = await moveFromStatus(trx, 'shipments', ['shipment_id', row.shipment_id], 'created', {
        status: 'cancelled',
        cancel_key: input.idempotencyKey,
        cancelled_at: input.at,
      });
      const shipment = toShipment(cancelled);
      if (events) await write(events(shipment));
      return { applied: true, shipment };
    });
  }
}

/** A cancellation that found no shipment takes the shipment's key with a cancelled row that holds no parcel. */
const shipmentTombstone: TombstoneSpec<ShippingTables, 'shipments'> = {
  table: 'shipments',
  columns: (input, forwardKey) => ({
    shipment_id: `void_${forwardKey}`,
    carrier: '',
    // Unique and NOT NULL, and no carrier's format: it can never collide with a real tracking number.
    tracking_number: `void_${forwardKey}`,
    country: '',
    item_count: 0,
    status: 'cancelled',
    cancel_key: input.idempotencyKey,
    cancelled_at: input.at,
    address: null,
  }),
  // Any shipment that raced the cancellation is the cancellation's to handle, as one found by order would be.
  stillToUndo: () => true,
};

function toShipment(row: Selectable<ShipmentsTable>): Shipment {
  const shipment: Shipment = {
    ...storedStep(row),
    shipmentId: row.shipment_id,
    carrier: row.carrier,
    trackingNumber: row.tracking_number,
    country: row.country,
    itemCount: row.item_count,
    status: row.status,
  };
  if (row.cancelled_at !== null) shipment.cancelledAt = row.cancelled_at;
  if (row.address !== null) shipment.address = JSON.parse(row.address) as ShippingAddress;
  return shipment;
}
