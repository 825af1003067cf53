// The queries every forward step's table shares: one row per step, found by the step's idempotency key.
import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';

/** The columns of every forward step's table (charges, reservations, shipments). */
export interface StepColumns {
  /** `<workflowId>:<step>`; unique, so a retried step finds its row instead of acting twice. */
  idempotency_key: string;
  order_id: string;
  status: string;
  created_at: string;
  /** 1 for the tombstone a compensation left under the step's key when it found nothing to undo. */
  tombstone: number;
}

/** The columns the helpers here write for every step; the service writes the rest (its status among them). */
export type StepColumnName = 'idempotency_key' | 'order_id' | 'created_at' | 'tombstone';

/** A row's columns other than the step columns, as a service writes them. */
export type ServiceColumns<Row> = Omit<Insertable<Row>, StepColumnName>;

/** What every forward step's row reads back as, whatever else its service stores. */
export interface StoredStep {
  idempotencyKey: string;
  orderId: string;
  createdAt: string;
  /**
   * Set on the tombstone the step's compensation left under the step's key when it found nothing to undo: nothing
   * happened, and the step must not act under this key any more.
   */
  tombstone?: true;
}

/** Where a step's row goes: the step's key, its order, and when it was stored. */
export interface StepKey {
  idempotencyKey: string;
  orderId: string;
  at: string;
}

/** `columns` completed with the step columns: the step's key, order and time, and whether it is a tombstone. */
export function withStepColumns<C>(columns: C, step: StepKey, tombstone: 0 | 1): C & Omit<StepColumns, 'status'> {
  return {
    ...columns,
    idempotency_key: step.idempotencyKey,
    order_id: step.orderId,
    created_at: step.at,
    tombstone,
  };
}

/** The step columns of a row, read back. */
export function storedStep(row: StepColumns): StoredStep {
  const step: StoredStep = { idempotencyKey: row.idempotency_key, orderId: row.order_id, createdAt: row.created_at };
  if (row.tombstone !== 0) step.tombstone = true;
  return step;
}

/** The tables of `DB` that hold a forward step's rows. */
export type StepTable<DB> = {
  [T in keyof DB & string]: DB[T] extends StepColumns ? T : never;
}[keyof DB & string];

type Row<DB, T extends keyof DB> = Selectable<DB[T]>;
type StatusOf<R> = R extends { status: infer S } ? S : never;

/** Statuses of table `T`'s rows, to filter by. */
export type Statuses<DB, T extends keyof DB> = readonly NoInfer<StatusOf<Row<DB, T>>>[];

/**
 * The helpers take their table by name, and Kysely cannot check a query against a table chosen by a type parameter;
 * so they query a view of the database where every table has just the step columns, and {@link StepTable} keeps
 * callers to the tables that really have them. Same connection or transaction, only the type differs.
 */
type StepView = Record<string, StepColumns>;

function stepView<DB>(db: Kysely<DB>): Kysely<StepView> {
  return db as unknown as Kysely<StepView>;
}

/** The row stored under `key`, tombstone or not. */
export async function findByKey<DB, T extends StepTable<DB>>(
  db: Kysely<DB> | Transaction<DB>,
  table: T,
  key: string,
): Promise<Row<DB, T> | undefined> {
  return (await byKey(db, table, key).executeTakeFirst()) as Row<DB, T> | undefined;
}

/** The row stored under `key`; Kysely's NoResultError when there is none. */
export async function getByKey<DB, T extends StepTable<DB>>(
  db: Kysely<DB> | Transaction<DB>,
  table: T,
  key: string,
): Promise<Row<DB, T>> {
  return (await byKey(db, table, key).executeTakeFirstOrThrow()) as Row<DB, T>;
}

function byKey<DB>(db: Kysely<DB>, table: StepTable<DB>, key: string) {
  return stepView(db)
    .selectFrom(table as string)
    .selectAll()
    .where('idempotency_key', '=', key);
}

/**
 * Inserts `row` unless it collides (ON CONFLICT DO NOTHING): on its key, or with `onAnyConflict` on any unique
 * column. True when this call stored it.
 */
export async function insertUnlessTaken<DB, T extends StepTable<DB>>(
  trx: Transaction<DB>,
  table: T,
  row: Insertable<DB[T]>,
  onAnyConflict = false,
): Promise<boolean> {
  const inserted = await stepView(trx)
    .insertInto(table as string)
    .values(row as Insertable<StepColumns>)
    .onConflict((oc) => (onAnyConflict ? oc : oc.column('idempotency_key')).doNothing())
    .returning('idempotency_key')
    .executeTakeFirst();
  return inserted !== undefined;
}

/**
 * Stores a forward step's row unless its key already has one, in the caller's transaction, and returns the stored row
 * either way (the new one, a concurrent attempt's, or the tombstone of a compensation that got there first), with
 * `inserted` true when this call stored it: only then does the effect's event go into the outbox.
 */
export async function insertOrGet<DB, T extends StepTable<DB>>(
  trx: Transaction<DB>,
  table: T,
  step: StepKey,
  columns: ServiceColumns<DB[T]>,
): Promise<{ row: Row<DB, T>; inserted: boolean }> {
  const inserted = await insertUnlessTaken(trx, table, withStepColumns(columns, step, 0) as Insertable<DB[T]>);
  return { row: await getByKey(trx, table, step.idempotencyKey), inserted };
}

/** The order's newest row in one of `statuses` (any status when omitted); tombstones are not the order's rows. */
export async function latestOfOrder<DB, T extends StepTable<DB>>(
  db: Kysely<DB> | Transaction<DB>,
  table: T,
  orderId: string,
  statuses?: Statuses<DB, T>,
): Promise<Row<DB, T> | undefined> {
  let query = stepView(db)
    .selectFrom(table as string)
    .selectAll()
    .where('order_id', '=', orderId);
  if (statuses !== undefined) query = query.where('status', 'in', statuses as readonly string[]);
  const row = await query.where('tombstone', '=', 0).orderBy('created_at', 'desc').executeTakeFirst();
  return row as Row<DB, T> | undefined;
}

/**
 * Moves the row whose `idColumn` holds `id` from status `from` to what `set` says, and returns it as updated. The
 * caller's transaction has just read it in `from`; Kysely's NoResultError if it no longer is.
 */
export async function moveFromStatus<DB, T extends StepTable<DB>>(
  trx: Transaction<DB>,
  table: T,
  [idColumn, id]: readonly [keyof DB[T] & string, string],
  from: Statuses<DB, T>[number],
  set: Updateable<DB[T]>,
): Promise<Row<DB, T>> {
  const view = stepView(trx);
  const moved = await view
    .updateTable(table as string)
    .set(set as Updateable<StepColumns>)
    .where(view.dynamic.ref(idColumn), '=', id)
    .where('status', '=', from as string)
    .returningAll()
    .executeTakeFirstOrThrow();
  return moved as Row<DB, T>;
}
