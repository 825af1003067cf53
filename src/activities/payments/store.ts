// The payments store: its port, and the Kysely implementation that owns each local transaction.
import type { Selectable } from 'kysely';
import type { DatabaseLocation } from '../../db/database.js';
import { openMigrated } from '../../db/migrate.js';
import type { Outbox } from '../../events/outbox/outbox.js';
import type { Money } from '../../shared/order.js';
import { ServiceStore } from '../service-store.js';
import type { EventsOf } from '../service-store.js';
import { findByKey, insertOrGet, moveFromStatus, storedStep } from '../step-rows.js';
import type { StoredStep } from '../step-rows.js';
import { rowToUndo } from '../tombstone.js';
import type { TombstoneSpec, UndoInput } from '../tombstone.js';
import { paymentMigrations } from './migrations.js';
import type { ChargeStatus, ChargesTable, PaymentTables } from './tables.js';

/** One charge attempt. Its tombstone (a refund found no charge) moved no money and is `refunded` with amount 0. */
export interface Charge extends StoredStep {
  paymentId: string;
  customerId: string;
  amount: Money;
  status: ChargeStatus;
  failure?: { code: string; message: string };
  refundBlocked: boolean;
  refundKey?: string;
  refundedAt?: string;
}

/** A charge attempt to store, as the provider decided it. */
export interface NewCharge extends Pick<
  Charge,
  'paymentId' | 'idempotencyKey' | 'orderId' | 'customerId' | 'amount' | 'failure' | 'refundBlocked'
> {
  status: 'captured' | 'declined';
  at: string;
}

/** `forwardKey` is the charge step's: with nothing to refund, a later chargePayment attempt charges nothing. */
export type RefundInput = UndoInput;

export type RefundOutcome =
  /** The order has no captured charge: nothing to refund. */
  | { kind: 'none' }
  /** The provider refuses this charge's refund until an operator unblocks it. */
  | { kind: 'blocked'; charge: Charge }
  /** Refunded; `applied` is true when this idempotency key did it (now or on an earlier attempt). */
  | { kind: 'refunded'; charge: Charge; applied: boolean };

export interface PaymentStore {
  findChargeByKey(idempotencyKey: string): Promise<Charge | undefined>;
  /** The order's most recent charge attempt (captured or refunded ones first), for compensations and operators. */
  findChargeByOrder(orderId: string): Promise<Charge | undefined>;
  /**
   * Stores a charge attempt unless its key already has one, with `events` (PaymentProcessed, or PaymentFailed for a
   * declined one) in the same transaction when this call stored it; returns the stored row either way.
   */
  recordCharge(charge: NewCharge, events?: EventsOf<Charge>): Promise<Charge>;
  /**
   * Refunds the order's captured charge in one transaction, unless blocked, with `events` (PaymentRefunded) when this
   * call refunded it; with nothing to refund, see `forwardKey`.
   */
  refund(input: RefundInput, events?: EventsOf<Charge>): Promise<RefundOutcome>;
  /** Operator action: lets the order's blocked refund go through on the next attempt. True if a block was lifted. */
  unblockRefund(orderId: string): Promise<boolean>;
  /** Where the charges' events wait for the relay (and where a replay of an older charge backfills them). */
  readonly outbox: Outbox;
  close(): Promise<void>;
}

/** Opens (and migrates) the payments database: a SQLite file, or the `payments` schema of a PostgreSQL database. */
export async function openPaymentStore(location: DatabaseLocation): Promise<KyselyPaymentStore> {
  return new KyselyPaymentStore(await openMigrated<PaymentTables>(location, 'payments', paymentMigrations), 'payments');
}

/** Dialect-neutral: SQLite or PostgreSQL, with the same queries. */
export class KyselyPaymentStore extends ServiceStore<PaymentTables> implements PaymentStore {
  async findChargeByKey(idempotencyKey: string): Promise<Charge | undefined> {
    const row = await findByKey(this.db, 'charges', idempotencyKey);
    return row && toCharge(row);
  }

  async findChargeByOrder(orderId: string): Promise<Charge | undefined> {
    const rows = await this.db
      .selectFrom('charges')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('tombstone', '=', 0)
      .orderBy('created_at', 'desc')
      .execute();
    const row = rows.find((r) => r.status !== 'declined') ?? rows[0];
    return row && toCharge(row);
  }

  async recordCharge(charge: NewCharge, events?: EventsOf<Charge>): Promise<Charge> {
    return this.transaction(async (trx, write) => {
      const { row, inserted } = await insertOrGet(trx, 'charges', charge, {
        payment_id: charge.paymentId,
        customer_id: charge.customerId,
        amount: charge.amount.amount,
        currency: charge.amount.currency,
        status: charge.status,
        failure_code: charge.failure?.code ?? null,
        failure_message: charge.failure?.message ?? null,
        refund_blocked: charge.refundBlocked ? 1 : 0,
        refund_key: null,
        refunded_at: null,
      });
      const stored = toCharge(row);
      if (inserted && events) await write(events(stored));
      return stored;
    });
  }

  async refund(input: RefundInput, events?: EventsOf<Charge>): Promise<RefundOutcome> {
    return this.transaction(async (trx, write) => {
      const row = await rowToUndo(trx, chargeTombstone, input, ['captured', 'refunded']);
      if (row === undefined) return { kind: 'none' };
      if (row.status === 'refunded') {
        return { kind: 'refunded', charge: toCharge(row), applied: row.refund_key === input.idempotencyKey };
      }
      if (row.refund_blocked !== 0) return { kind: 'blocked', charge: toCharge(row) };
      const refunded = await moveFromStatus(trx, 'charges', ['payment_id', row.payment_id], 'captured', {
        status: 'refunded',
        refund_key: input.idempotencyKey,
        refunded_at: input.at,
      });
      const charge = toCharge(refunded);
      if (events) await write(events(charge));
      return { kind: 'refunded', charge, applied: true };
    });
  }

  async unblockRefund(orderId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('charges')
      .set({ refund_blocked: 0 })
      .where('order_id', '=', orderId)
      .where('status', '=', 'captured')
      .where('refund_blocked', '<>', 0)
      .executeTakeFirst();
    return result.numUpdatedRows > 0n;
  }
}

/**
 * A refund that found no charge takes the charge's key with a refunded, zero-amount row. A charge that raced it is
 * the refund's to handle when captured or refunded, as a charge found by order would be.
 */
const chargeTombstone: TombstoneSpec<PaymentTables, 'charges'> = {
  table: 'charges',
  columns: (input, forwardKey) => ({
    payment_id: `void_${forwardKey}`,
    customer_id: '',
    amount: 0,
    // ISO 4217's code for "no currency".
    currency: 'XXX',
    status: 'refunded',
    failure_code: null,
    failure_message: null,
    refund_blocked: 0,
    refund_key: input.idempotencyKey,
    refunded_at: input.at,
  }),
  stillToUndo: (taken) => taken.status === 'captured' || taken.status === 'refunded',
};

function toCharge(row: Selectable<ChargesTable>): Charge {
  const charge: Charge = {
    ...storedStep(row),
    paymentId: row.payment_id,
    customerId: row.customer_id,
    amount: { amount: row.amount, currency: row.currency },
    status: row.status,
    refundBlocked: row.refund_blocked !== 0,
  };
  if (row.failure_code !== null) charge.failure = { code: row.failure_code, message: row.failure_message ?? '' };
  if (row.refund_key !== null) charge.refundKey = row.refund_key;
  if (row.refunded_at !== null) charge.refundedAt = row.refunded_at;
  return charge;
}
