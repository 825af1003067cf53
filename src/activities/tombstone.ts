// The tombstone a compensation leaves under its forward step's key when it finds nothing to undo.
import type { Insertable, Selectable, Transaction } from 'kysely';
import { findByKey, insertUnlessTaken, latestOfOrder, withStepColumns } from './step-rows.js';
import type { ServiceColumns, Statuses, StepTable } from './step-rows.js';

/** What a compensation hands its store. */
export interface UndoInput {
  orderId: string;
  /** The compensation's own key: a retry with it replays the outcome. */
  idempotencyKey: string;
  /**
   * The key of the forward step this compensation undoes. With nothing to undo, a tombstone is stored under it (in
   * the same transaction as the lookup), so a forward attempt that arrives later finds its key taken and does nothing.
   */
  forwardKey?: string;
  at: string;
}

/** How one service's table holds a tombstone. */
export interface TombstoneSpec<DB, T extends StepTable<DB>> {
  table: T;
  /**
   * The tombstone's own columns: ids that cannot collide with a real row's, an "already undone" status stamped with
   * the compensation's key and time, and empty values. Key, order, time and the tombstone flag are added.
   */
  columns(input: UndoInput, forwardKey: string): ServiceColumns<DB[T]>;
  /** Whether a forward step's row that won the race still needs undoing. */
  stillToUndo(row: Selectable<DB[T]>): boolean;
}

/**
 * With nothing to undo, takes the forward step's key with a tombstone (ON CONFLICT DO NOTHING). If the key is
 * already taken, the forward step may have committed since the lookup (on PostgreSQL the insert waited for it): that
 * row is returned when it still needs undoing, so the compensation cannot miss a step that raced it.
 */
export async function tombstoneOrRace<DB, T extends StepTable<DB>>(
  trx: Transaction<DB>,
  spec: TombstoneSpec<DB, T>,
  input: UndoInput,
): Promise<Selectable<DB[T]> | undefined> {
  const { forwardKey } = input;
  if (forwardKey === undefined) return undefined;
  const step = { idempotencyKey: forwardKey, orderId: input.orderId, at: input.at };
  const tombstone = withStepColumns(spec.columns(input, forwardKey), step, 1) as Insertable<DB[T]>;
  if (await insertUnlessTaken(trx, spec.table, tombstone, true)) return undefined;
  const taken = await findByKey(trx, spec.table, forwardKey);
  return taken !== undefined && (taken as { tombstone: number }).tombstone === 0 && spec.stillToUndo(taken)
    ? taken
    : undefined;
}

/**
 * The row a compensation undoes: the order's newest (in one of `statuses`), else, with nothing found, one that raced
 * the tombstone (see {@link tombstoneOrRace}).
 */
export async function rowToUndo<DB, T extends StepTable<DB>>(
  trx: Transaction<DB>,
  spec: TombstoneSpec<DB, T>,
  input: UndoInput,
  statuses?: Statuses<DB, T>,
): Promise<Selectable<DB[T]> | undefined> {
  return (await latestOfOrder(trx, spec.table, input.orderId, statuses)) ?? (await tombstoneOrRace(trx, spec, input));
}
