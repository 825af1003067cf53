// The inventory store: its port, and the Kysely implementation that owns each local transaction.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { openDatabase } from '../../db/database.js';
import type { DatabaseLocation } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import type { Money, OrderLineInput } from '../../shared/order.js';
import { demoCatalogue } from './catalogue.js';
import type { CatalogueItem } from './catalogue.js';
import { InvalidQuantityError, UnknownSkuError } from './errors.js';
import { inventoryMigrations } from './migrations.js';
import type { InventoryTables, ProductsTable, ReservationStatus, ReservationsTable } from './tables.js';

export interface Product {
  sku: string;
  name: string;
  unitPrice: Money;
}

/** Per-SKU stock by state; `available + reserved + shipped === seeded + restocked` always holds. */
export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
  shipped: number;
  seeded: number;
  restocked: number;
}

export interface ReservationLine {
  sku: string;
  quantity: number;
  availableBefore: number;
}

export interface Reservation {
  reservationId: string;
  idempotencyKey: string;
  orderId: string;
  status: ReservationStatus;
  lines: ReservationLine[];
  createdAt: string;
  releasedAt?: string;
  committedAt?: string;
  /**
   * Set on the tombstone `release` leaves under the reservation's key when it found nothing reserved: it holds no
   * lines and no stock, and `reserveInventory` must not reserve under this key any more.
   */
  tombstone?: true;
}

/** What a compensation-style move did; `applied` is true when this idempotency key made it (now or before). */
export interface SettleOutcome {
  applied: boolean;
  reservation?: Reservation;
}

export interface NewReservation {
  reservationId: string;
  idempotencyKey: string;
  orderId: string;
  /** Already normalized: one line per SKU. */
  lines: OrderLineInput[];
  at: string;
}

export interface InventoryStore {
  /** Inserts catalogue items that are missing; existing SKUs (and their stock) are left alone. */
  seed(items: readonly CatalogueItem[], at: string): Promise<void>;
  findProducts(skus: readonly string[]): Promise<Product[]>;
  stockLevels(): Promise<StockLevel[]>;
  /** Adds stock to `available`; UnknownSku / InvalidQuantity on bad input. */
  restock(sku: string, quantity: number, at: string): Promise<StockLevel>;
  findReservationByKey(idempotencyKey: string): Promise<Reservation | undefined>;
  /**
   * Reserves every line or none, in one transaction, and returns the stored reservation: `reserved`, or
   * `rejected` when a line is short. A key that already has a reservation returns it unchanged.
   * Throws UnknownSku (nothing stored) for SKUs not in the catalogue.
   */
  reserve(reservation: NewReservation): Promise<Reservation>;
  /** Returns the order's reserved stock to available; with nothing reserved, see `ReleaseInput.forwardKey`. */
  release(input: ReleaseInput): Promise<SettleOutcome>;
  /** Moves the order's reserved stock to shipped. */
  commit(input: SettleInput): Promise<SettleOutcome>;
  close(): Promise<void>;
}

export interface SettleInput {
  orderId: string;
  idempotencyKey: string;
  at: string;
}

export interface ReleaseInput extends SettleInput {
  /**
   * The key of the reservation step this release undoes. With nothing reserved, a tombstone is stored under it (in
   * the same transaction as the lookup), so a reserveInventory attempt that arrives later reserves nothing.
   */
  forwardKey?: string;
}

export type OpenInventoryStoreOptions = DatabaseLocation & {
  /** Seeded when missing; defaults to the demo catalogue. */
  catalogue?: readonly CatalogueItem[];
  at?: string;
};

/** Opens (migrates and seeds) the inventory database: a SQLite file, or the `inventory` schema of a PostgreSQL database. */
export async function openInventoryStore(options: OpenInventoryStoreOptions): Promise<KyselyInventoryStore> {
  const db = openDatabase<InventoryTables>(options, 'inventory');
  await migrateToLatest(db, 'inventory', inventoryMigrations);
  const store = new KyselyInventoryStore(db);
  await store.seed(options.catalogue ?? demoCatalogue, options.at ?? new Date().toISOString());
  return store;
}

type Trx = Transaction<InventoryTables>;

/** Dialect-neutral: SQLite or PostgreSQL, with the same queries. */
export class KyselyInventoryStore implements InventoryStore {
  constructor(private readonly db: Kysely<InventoryTables>) {}

  async seed(items: readonly CatalogueItem[], at: string): Promise<void> {
    if (items.length === 0) return;
    await this.db
      .insertInto('products')
      .values(
        items.map((item) => ({
          sku: item.sku,
          name: item.name,
          unit_price: item.unitPrice.amount,
          currency: item.unitPrice.currency,
          available: item.stock,
          reserved: 0,
          shipped: 0,
          seeded: item.stock,
          restocked: 0,
          updated_at: at,
        })),
      )
      .onConflict((oc) => oc.column('sku').doNothing())
      .execute();
  }

  async findProducts(skus: readonly string[]): Promise<Product[]> {
    if (skus.length === 0) return [];
    const rows = await this.db.selectFrom('products').selectAll().where('sku', 'in', skus).execute();
    return rows.map((r) => ({ sku: r.sku, name: r.name, unitPrice: { amount: r.unit_price, currency: r.currency } }));
  }

  async stockLevels(): Promise<StockLevel[]> {
    const rows = await this.db.selectFrom('products').selectAll().orderBy('sku').execute();
    return rows.map(toLevel);
  }

  async restock(sku: string, quantity: number, at: string): Promise<StockLevel> {
    if (!Number.isInteger(quantity) || quantity < 1) {
      throw new InvalidQuantityError(`restock quantity must be a positive whole number: ${quantity}`, [
        { sku, quantity },
      ]);
    }
    const row = await this.db
      .updateTable('products')
      .set((eb) => ({
        available: eb('available', '+', quantity),
        restocked: eb('restocked', '+', quantity),
        updated_at: at,
      }))
      .where('sku', '=', sku)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw new UnknownSkuError([sku]);
    return toLevel(row);
  }

  async findReservationByKey(idempotencyKey: string): Promise<Reservation | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('reservations')
        .selectAll()
        .where('idempotency_key', '=', idempotencyKey)
        .executeTakeFirst();
      return row && loadReservation(trx, row);
    });
  }

  async reserve(input: NewReservation): Promise<Reservation> {
    return this.db.transaction().execute(async (trx) => {
      const existing = await trx
        .selectFrom('reservations')
        .selectAll()
        .where('idempotency_key', '=', input.idempotencyKey)
        .executeTakeFirst();
      if (existing !== undefined) return loadReservation(trx, existing);

      const skus = input.lines.map((l) => l.sku);
      const products = await trx.selectFrom('products').select(['sku', 'available']).where('sku', 'in', skus).execute();
      const available = new Map(products.map((p) => [p.sku, p.available]));
      const unknown = skus.filter((sku) => !available.has(sku));
      if (unknown.length > 0) throw new UnknownSkuError(unknown);

      const lines = input.lines.map((l) => ({ ...l, availableBefore: available.get(l.sku) ?? 0 }));
      const short = lines.some((l) => l.availableBefore < l.quantity);
      const row: Selectable<ReservationsTable> = {
        reservation_id: input.reservationId,
        idempotency_key: input.idempotencyKey,
        order_id: input.orderId,
        status: short ? 'rejected' : 'reserved',
        created_at: input.at,
        release_key: null,
        released_at: null,
        commit_key: null,
        committed_at: null,
        tombstone: 0,
      };
      const inserted = await trx
        .insertInto('reservations')
        .values(row)
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returning('idempotency_key')
        .executeTakeFirst();
      if (inserted === undefined) {
        // The key was taken since the lookup (on PostgreSQL the insert waited for that transaction): a concurrent
        // attempt's reservation, or the tombstone of a release that found nothing. Either way, reserve nothing here.
        const taken = await trx
          .selectFrom('reservations')
          .selectAll()
          .where('idempotency_key', '=', input.idempotencyKey)
          .executeTakeFirstOrThrow();
        return loadReservation(trx, taken);
      }
      await trx
        .insertInto('reservation_lines')
        .values(
          lines.map((l, i) => ({
            reservation_id: input.reservationId,
            line_no: i + 1,
            sku: l.sku,
            quantity: l.quantity,
            available_before: l.availableBefore,
          })),
        )
        .execute();
      if (!short) {
        for (const line of inSkuOrder(lines)) await moveStock(trx, line, 'available', 'reserved', input.at);
      }
      return toReservation(row, lines);
    });
  }

  release(input: ReleaseInput): Promise<SettleOutcome> {
    return this.settle(input, 'released');
  }

  commit(input: SettleInput): Promise<SettleOutcome> {
    return this.settle(input, 'committed');
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }

  /**
   * Moves the order's `reserved` reservation to `target` and its stock with it. A reservation already in
   * `target` reports `applied` only if this key put it there, so a retried compensation replays its result.
   * A release that finds nothing leaves a tombstone under `forwardKey` (see {@link tombstoneOrRace}).
   */
  private async settle(input: ReleaseInput, target: 'released' | 'committed'): Promise<SettleOutcome> {
    const keyColumn = target === 'released' ? 'release_key' : 'commit_key';
    const atColumn = target === 'released' ? 'released_at' : 'committed_at';
    return this.db.transaction().execute(async (trx) => {
      const row =
        (await trx
          .selectFrom('reservations')
          .selectAll()
          .where('order_id', '=', input.orderId)
          .where('status', 'in', ['reserved', target])
          .where('tombstone', '=', 0)
          .orderBy('created_at', 'desc')
          .executeTakeFirst()) ?? (target === 'released' ? await tombstoneOrRace(trx, input) : undefined);
      if (row === undefined) return { applied: false };
      if (row.status === target) {
        const applied = row[keyColumn] === input.idempotencyKey;
        return applied ? { applied, reservation: await loadReservation(trx, row) } : { applied };
      }
      const updated = await trx
        .updateTable('reservations')
        .set({ status: target, [keyColumn]: input.idempotencyKey, [atColumn]: input.at })
        .where('reservation_id', '=', row.reservation_id)
        .where('status', '=', 'reserved')
        .returningAll()
        .executeTakeFirstOrThrow();
      const reservation = await loadReservation(trx, updated);
      const to = target === 'released' ? 'available' : 'shipped';
      for (const line of inSkuOrder(reservation.lines)) await moveStock(trx, line, 'reserved', to, input.at);
      return { applied: true, reservation };
    });
  }
}

/**
 * With nothing reserved, takes the reservation step's key with a tombstone (ON CONFLICT DO NOTHING). If the key is
 * already taken, a reservation may have committed since the lookup (on PostgreSQL the insert waited for it): that
 * row is returned when it still holds stock, so the release cannot miss a reservation that raced it.
 */
async function tombstoneOrRace(trx: Trx, input: ReleaseInput): Promise<Selectable<ReservationsTable> | undefined> {
  if (input.forwardKey === undefined) return undefined;
  const inserted = await trx
    .insertInto('reservations')
    .values({
      reservation_id: `void_${input.forwardKey}`,
      idempotency_key: input.forwardKey,
      order_id: input.orderId,
      status: 'released',
      created_at: input.at,
      release_key: input.idempotencyKey,
      released_at: input.at,
      commit_key: null,
      committed_at: null,
      tombstone: 1,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('idempotency_key')
    .executeTakeFirst();
  if (inserted !== undefined) return undefined;
  const taken = await trx
    .selectFrom('reservations')
    .selectAll()
    .where('idempotency_key', '=', input.forwardKey)
    .executeTakeFirst();
  return taken?.tombstone === 0 && taken.status === 'reserved' ? taken : undefined;
}

type StockColumn = 'available' | 'reserved' | 'shipped';

/**
 * Rows are locked in one global order (by SKU), so two transactions moving stock of the same SKUs on PostgreSQL
 * queue behind each other instead of deadlocking. SQLite takes one lock for the whole database and needs none.
 */
function inSkuOrder<L extends { sku: string }>(lines: readonly L[]): L[] {
  return [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}

/** Transfers `quantity` of a SKU between two stock columns, refusing to drive the source negative. */
async function moveStock(
  trx: Trx,
  line: { sku: string; quantity: number },
  from: StockColumn,
  to: StockColumn,
  at: string,
): Promise<void> {
  const result = await trx
    .updateTable('products')
    .set((eb) => ({
      [from]: eb(from, '-', line.quantity),
      [to]: eb(to, '+', line.quantity),
      updated_at: at,
    }))
    .where('sku', '=', line.sku)
    .where(from, '>=', line.quantity)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) {
    // Another writer changed the row between our read and this update: roll back; the activity retries.
    throw new Error(`stock of ${line.sku} changed concurrently (${from} -> ${to} x ${line.quantity})`);
  }
}

async function loadReservation(trx: Trx, row: Selectable<ReservationsTable>): Promise<Reservation> {
  const lines = await trx
    .selectFrom('reservation_lines')
    .select(['sku', 'quantity', 'available_before'])
    .where('reservation_id', '=', row.reservation_id)
    .orderBy('line_no')
    .execute();
  return toReservation(
    row,
    lines.map((l) => ({ sku: l.sku, quantity: l.quantity, availableBefore: l.available_before })),
  );
}

function toReservation(row: Selectable<ReservationsTable>, lines: ReservationLine[]): Reservation {
  const reservation: Reservation = {
    reservationId: row.reservation_id,
    idempotencyKey: row.idempotency_key,
    orderId: row.order_id,
    status: row.status,
    lines,
    createdAt: row.created_at,
  };
  if (row.released_at !== null) reservation.releasedAt = row.released_at;
  if (row.committed_at !== null) reservation.committedAt = row.committed_at;
  if (row.tombstone !== 0) reservation.tombstone = true;
  return reservation;
}

function toLevel(row: Selectable<ProductsTable>): StockLevel {
  const { sku, available, reserved, shipped, seeded, restocked } = row;
  return { sku, available, reserved, shipped, seeded, restocked };
}
