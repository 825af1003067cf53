// The inventory store: its port, and the Kysely implementation that owns each local transaction.
import type { DatabaseLocation } from '../../db/database.js';
import { openMigrated } from '../../db/migrate.js';
import type { OutgoingEvent } from '../../events/envelope.js';
import type { Outbox } from '../../events/outbox/outbox.js';
import { ServiceStore } from '../service-store.js';
import type { EventsOf } from '../service-store.js';
import { demoCatalogue } from './catalogue.js';
import type { CatalogueItem } from './catalogue.js';
import { inventoryMigrations } from './migrations.js';
import { findPricingByKey, storePricing } from './pricings.js';
import type { StoredPricing } from './pricings.js';
import { findReservationByKey, moveReservation, reserve, reservedUnits } from './reservations.js';
import type {
  NewReservation,
  ReleaseInput,
  Reservation,
  ReservationMoveInput,
  ReservationMoveOutcome,
  ReservedUnits,
} from './reservations.js';
import { findProducts, restock, seedCatalogue, setUnitPrice, stockLevels } from './stock.js';
import type { ProductPrice, StockLevel } from './stock.js';
import type { InventoryTables } from './tables.js';

export type {
  NewReservation,
  ReleaseInput,
  Reservation,
  ReservationLine,
  ReservationMoveInput,
  ReservationMoveOutcome,
  ReservedUnits,
} from './reservations.js';
export type { ProductPrice, StockLevel } from './stock.js';
export type { StoredPricing, UnitsBySku } from './pricings.js';

export interface InventoryStore {
  /** Inserts catalogue items that are missing; existing SKUs (and their stock) are left alone. */
  seed(items: readonly CatalogueItem[], at: string): Promise<void>;
  findProducts(skus: readonly string[]): Promise<ProductPrice[]>;
  stockLevels(): Promise<StockLevel[]>;
  /** Adds stock to `available`; UnknownSku / InvalidQuantity on bad input. */
  restock(sku: string, quantity: number, at: string): Promise<StockLevel>;
  /** A new unit price for a catalogue SKU (an operator's price change); UnknownSku when it is not in the catalogue. */
  setUnitPrice(sku: string, amount: number, at: string): Promise<void>;
  /** The pricing stored under `<workflowId>:priceOrder`, if the order was priced before. */
  findPricingByKey(idempotencyKey: string): Promise<StoredPricing | undefined>;
  /** Stores an order's first pricing unless its key holds one already; returns what the key holds. */
  storePricing(pricing: StoredPricing): Promise<StoredPricing>;
  findReservationByKey(idempotencyKey: string): Promise<Reservation | undefined>;
  /** Every reservation's lines with its order and status, for checks of the stock columns against the reservations. */
  reservedUnits(): Promise<ReservedUnits[]>;
  /**
   * Reserves every line or none, in one transaction, and returns the stored reservation: `reserved`, or
   * `rejected` when a line is short, with `events` (InventoryUpdated or InventoryUpdateFailed) in the same
   * transaction when this call stored it. A key that already has a reservation returns it unchanged.
   * Throws UnknownSku (nothing stored) for SKUs not in the catalogue.
   */
  reserve(reservation: NewReservation, events?: EventsOf<Reservation>): Promise<Reservation>;
  /**
   * Returns the order's reserved stock to available, with `events` (InventoryReleased) when this call released it;
   * with nothing reserved, see `ReleaseInput.forwardKey`.
   */
  release(input: ReleaseInput, events?: EventsOf<Reservation>): Promise<ReservationMoveOutcome>;
  /** Moves the order's reserved stock to shipped. */
  commit(input: ReservationMoveInput): Promise<ReservationMoveOutcome>;
  /** A refusal stored nowhere else (an unknown SKU): its events are the record of it. */
  recordEvents(events: readonly OutgoingEvent[]): Promise<void>;
  /** Where the reservations' events wait for the relay (and where a replay of an older one backfills them). */
  readonly outbox: Outbox;
  close(): Promise<void>;
}

export type OpenInventoryStoreOptions = DatabaseLocation & {
  /** Seeded when missing; defaults to the demo catalogue. */
  catalogue?: readonly CatalogueItem[];
  at?: string;
};

/** Opens (migrates and seeds) the inventory database: a SQLite file, or the `inventory` schema of a PostgreSQL database. */
export async function openInventoryStore(options: OpenInventoryStoreOptions): Promise<KyselyInventoryStore> {
  const store = new KyselyInventoryStore(
    await openMigrated<InventoryTables>(options, 'inventory', inventoryMigrations),
    'inventory',
  );
  await store.seed(options.catalogue ?? demoCatalogue, options.at ?? new Date().toISOString());
  return store;
}

/** Dialect-neutral: SQLite or PostgreSQL, with the same queries (in stock.ts and reservations.ts). */
export class KyselyInventoryStore extends ServiceStore<InventoryTables> implements InventoryStore {
  seed(items: readonly CatalogueItem[], at: string): Promise<void> {
    return seedCatalogue(this.db, items, at);
  }

  findProducts(skus: readonly string[]): Promise<ProductPrice[]> {
    return findProducts(this.db, skus);
  }

  stockLevels(): Promise<StockLevel[]> {
    return stockLevels(this.db);
  }

  restock(sku: string, quantity: number, at: string): Promise<StockLevel> {
    return restock(this.db, sku, quantity, at);
  }

  setUnitPrice(sku: string, amount: number, at: string): Promise<void> {
    return setUnitPrice(this.db, sku, amount, at);
  }

  findPricingByKey(idempotencyKey: string): Promise<StoredPricing | undefined> {
    return findPricingByKey(this.db, idempotencyKey);
  }

  storePricing(pricing: StoredPricing): Promise<StoredPricing> {
    return storePricing(this.db, pricing);
  }

  findReservationByKey(idempotencyKey: string): Promise<Reservation | undefined> {
    return findReservationByKey(this.db, idempotencyKey);
  }

  reservedUnits(): Promise<ReservedUnits[]> {
    return reservedUnits(this.db);
  }

  reserve(input: NewReservation, events?: EventsOf<Reservation>): Promise<Reservation> {
    return this.transaction(async (trx, write) => {
      const { reservation, inserted } = await reserve(trx, input);
      if (inserted && events) await write(events(reservation));
      return reservation;
    });
  }

  release(input: ReleaseInput, events?: EventsOf<Reservation>): Promise<ReservationMoveOutcome> {
    return this.transaction(async (trx, write) => {
      const { moved, ...outcome } = await moveReservation(trx, input, 'released');
      if (moved && events) await write(events(moved));
      return outcome;
    });
  }

  commit(input: ReservationMoveInput): Promise<ReservationMoveOutcome> {
    return this.transaction(async (trx) => {
      const { moved: _moved, ...outcome } = await moveReservation(trx, input, 'committed');
      return outcome;
    });
  }
}
