// An order's reservation: reserving its lines all-or-nothing, then moving it (and its stock) to released or committed.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { OrderLineInput } from '../../shared/order.js';
import {
  findByKey,
  getByKey,
  insertUnlessTaken,
  latestOfOrder,
  moveFromStatus,
  storedStep,
  withStepColumns,
} from '../step-rows.js';
import type { StoredStep } from '../step-rows.js';
import { rowToUndo } from '../tombstone.js';
import type { TombstoneSpec, UndoInput } from '../tombstone.js';
import { UnknownSkuError } from './errors.js';
import { moveStock } from './stock.js';
import type { InventoryTables, ReservationStatus, ReservationsTable } from './tables.js';

export interface ReservationLine {
  sku: string;
  quantity: number;
  availableBefore: number;
}

/** One reservation attempt. Its tombstone (a release found nothing reserved) is `released` and holds no lines. */
export interface Reservation extends StoredStep {
  reservationId: string;
  status: ReservationStatus;
  lines: ReservationLine[];
  releasedAt?: string;
  committedAt?: string;
}

export interface NewReservation extends Pick<Reservation, 'reservationId' | 'idempotencyKey' | 'orderId'> {
  /** Already normalized: one line per SKU. */
  lines: OrderLineInput[];
  at: string;
}

/** A move of the order's reservation to released or committed: the order, the move's own key, and when. */
export type ReservationMoveInput = Omit<UndoInput, 'forwardKey'>;

/** `forwardKey` is the reservation step's: with nothing reserved, a later reserveInventory attempt reserves nothing. */
export type ReleaseInput = UndoInput;

/** What a reservation move did; `applied` is true when this idempotency key made it (now or before). */
export interface ReservationMoveOutcome {
  applied: boolean;
  reservation?: Reservation;
}

/** One line of one reservation with the reservation's order and status: the units it holds, or held. */
export interface ReservedUnits {
  orderId: string;
  reservationId: string;
  status: ReservationStatus;
  sku: string;
  quantity: number;
}

type Db = Kysely<InventoryTables>;

/**
 * Every reservation line with its reservation's status (tombstones hold none): what the stock columns must agree with,
 * since `reserved` is the units of the `reserved` reservations and `shipped` those of the `committed` ones.
 */
export async function reservedUnits(db: Db): Promise<ReservedUnits[]> {
  return db
    .selectFrom('reservation_lines as l')
    .innerJoin('reservations as r', 'r.reservation_id', 'l.reservation_id')
    .select(['r.order_id as orderId', 'r.reservation_id as reservationId', 'r.status', 'l.sku', 'l.quantity'])
    .where('r.tombstone', '=', 0)
    .orderBy('r.reservation_id')
    .orderBy('l.line_no')
    .execute();
}
type Trx = Transaction<InventoryTables>;

export async function findReservationByKey(db: Db, idempotencyKey: string): Promise<Reservation | undefined> {
  return db.transaction().execute(async (trx) => {
    const row = await findByKey(trx, 'reservations', idempotencyKey);
    return row && loadReservation(trx, row);
  });
}

/** A reservation as `reserve` left it, and whether this call stored it (only then is its event written). */
export interface ReserveOutcome {
  reservation: Reservation;
  inserted: boolean;
}

/**
 * Reserves every line or none, in the caller's transaction, and returns the stored reservation: `reserved`, or
 * `rejected` when a line is short. A key that already has a reservation returns it unchanged. Throws UnknownSku
 * (nothing stored) for SKUs not in the catalogue.
 */
export async function reserve(trx: Trx, input: NewReservation): Promise<ReserveOutcome> {
  const existing = await findByKey(trx, 'reservations', input.idempotencyKey);
  if (existing !== undefined) return { reservation: await loadReservation(trx, existing), inserted: false };

  const skus = input.lines.map((l) => l.sku);
  const products = await trx.selectFrom('products').select(['sku', 'available']).where('sku', 'in', skus).execute();
  const available = new Map(products.map((p) => [p.sku, p.available]));
  const unknown = skus.filter((sku) => !available.has(sku));
  if (unknown.length > 0) throw new UnknownSkuError(unknown);

  const lines = input.lines.map((l) => ({ ...l, availableBefore: available.get(l.sku) ?? 0 }));
  const short = lines.some((l) => l.availableBefore < l.quantity);
  const row: Selectable<ReservationsTable> = withStepColumns(
    {
      reservation_id: input.reservationId,
      status: short ? 'rejected' : 'reserved',
      release_key: null,
      released_at: null,
      commit_key: null,
      committed_at: null,
    } as const,
    input,
    0,
  );
  if (!(await insertUnlessTaken(trx, 'reservations', row))) {
    // The key was taken since the lookup (on PostgreSQL the insert waited for that transaction): a concurrent
    // attempt's reservation, or the tombstone of a release that found nothing. Either way, reserve nothing here.
    const taken = await getByKey(trx, 'reservations', input.idempotencyKey);
    return { reservation: await loadReservation(trx, taken), inserted: false };
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
  if (!short) await moveStock(trx, lines, 'available', 'reserved', input.at);
  return { reservation: toReservation(row, lines), inserted: true };
}

/**
 * Moves the order's `reserved` reservation to `target` and its stock with it, in the caller's transaction. A
 * reservation already in `target` reports `applied` only if this key put it there, so a retried compensation replays
 * its result; `moved` is set only when this call moved it (only then is its event written). A release that finds
 * nothing leaves a tombstone under `forwardKey` (see {@link rowToUndo}).
 */
export async function moveReservation(
  trx: Trx,
  input: ReleaseInput,
  target: 'released' | 'committed',
): Promise<ReservationMoveOutcome & { moved?: Reservation }> {
  const keyColumn = target === 'released' ? 'release_key' : 'commit_key';
  const atColumn = target === 'released' ? 'released_at' : 'committed_at';
  // Only a release undoes the reservation step, so only a release leaves a tombstone.
  const row =
    target === 'released'
      ? await rowToUndo(trx, reservationTombstone, input, ['reserved', 'released'])
      : await latestOfOrder(trx, 'reservations', input.orderId, ['reserved', 'committed']);
  if (row === undefined) return { applied: false };
  if (row.status === target) {
    const applied = row[keyColumn] === input.idempotencyKey;
    return applied ? { applied, reservation: await loadReservation(trx, row) } : { applied };
  }
  const updated = await moveFromStatus(trx, 'reservations', ['reservation_id', row.reservation_id], 'reserved', {
    status: target,
    [keyColumn]: input.idempotencyKey,
    [atColumn]: input.at,
  });
  const reservation = await loadReservation(trx, updated);
  await moveStock(trx, reservation.lines, 'reserved', target === 'released' ? 'available' : 'shipped', input.at);
  return { applied: true, reservation, moved: reservation };
}

/**
 * A release that found nothing reserved takes the reservation's key with a released row that holds no lines. A
 * reservation that raced it still needs releasing only while it holds stock.
 */
const reservationTombstone: TombstoneSpec<InventoryTables, 'reservations'> = {
  table: 'reservations',
  columns: (input, forwardKey) => ({
    reservation_id: `void_${forwardKey}`,
    status: 'released',
    release_key: input.idempotencyKey,
    released_at: input.at,
    commit_key: null,
    committed_at: null,
  }),
  stillToUndo: (taken) => taken.status === 'reserved',
};

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
  const reservation: Reservation = { ...storedStep(row), reservationId: row.reservation_id, status: row.status, lines };
  if (row.released_at !== null) reservation.releasedAt = row.released_at;
  if (row.committed_at !== null) reservation.committedAt = row.committed_at;
  return reservation;
}
