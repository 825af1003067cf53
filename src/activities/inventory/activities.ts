// The inventory service's activities: price an order, reserve its stock, and release or commit the reservation.
import { randomUUID } from 'node:crypto';
import type {
  AttemptCount,
  CompensationResult,
  InventoryActivities,
  OrderRefInput,
  PriceOrderInput,
  ReserveInventoryInput,
  ReserveInventoryResult,
} from '../../shared/activity-contracts.js';
import type { PricedLine, PricedOrder } from '../../shared/order.js';
import { BusinessError, withActivityFailures } from '../business-error.js';
import { systemClock } from '../clock.js';
import type { ServiceActivityDeps } from '../activity-deps.js';
import { differenceIn, idempotentStep } from '../idempotent-step.js';
import { currentAttempt, inStep, undoInput } from '../step-context.js';
import type { StepContext } from '../step-context.js';
import { stepEvent } from '../step-event.js';
import { OutOfStockError, UnknownSkuError } from './errors.js';
import { normalizeLines } from './lines.js';
import type { InventoryStore, Reservation } from './store.js';

export type InventoryActivityDeps = ServiceActivityDeps<InventoryStore>;

/**
 * Builds the inventory activities around their dependencies. Prices always come from the catalogue,
 * never from the client; duplicate SKU lines are merged. Reservations are all-or-nothing and keyed by
 * idempotency key, and stored with their event (InventoryUpdated, or InventoryUpdateFailed when short) in one
 * transaction, so a retry replays the stored outcome instead of reserving (or announcing) twice. A release that
 * found nothing reserved leaves a tombstone under the reservation's key: a reserveInventory attempt that comes
 * later (stalled past its deadline, or retried) finds it and fails with StepAlreadyCompensated, reserving and
 * announcing nothing; so does one that finds its reservation released (a new run of the order, after a reset). A
 * stored reservation of other lines fails with IdempotencyMismatch.
 */
export function createInventoryActivities({ store, clock = systemClock }: InventoryActivityDeps): InventoryActivities {
  return {
    priceOrder: (input: PriceOrderInput): Promise<PricedOrder & AttemptCount> =>
      withActivityFailures(async () => {
        const lines = normalizeLines(input.items);
        const products = new Map((await store.findProducts(lines.map((l) => l.sku))).map((p) => [p.sku, p]));
        const unknown = lines.filter((l) => !products.has(l.sku)).map((l) => l.sku);
        if (unknown.length > 0) throw new UnknownSkuError(unknown);
        const priced = lines.map((line): PricedLine => {
          const product = products.get(line.sku)!;
          const { amount, currency } = product.unitPrice;
          return {
            sku: line.sku,
            name: product.name,
            quantity: line.quantity,
            unitPrice: { amount, currency },
            lineTotal: { amount: amount * line.quantity, currency },
          };
        });
        const currencies = new Set(priced.map((l) => l.lineTotal.currency));
        if (currencies.size !== 1) throw new Error(`catalogue prices mix currencies: ${[...currencies].join(', ')}`);
        const total = priced.reduce((sum, l) => sum + l.lineTotal.amount, 0);
        return {
          lines: priced,
          total: { amount: total, currency: [...currencies][0] ?? 'EUR' },
          attempts: currentAttempt(),
        };
      }),

    reserveInventory: (input: ReserveInventoryInput): Promise<ReserveInventoryResult> =>
      inStep(async (step) => {
        const events = (reservation: Reservation) => [reservationEvent(step, input, reservation)];
        const reservation = await idempotentStep(step, input.orderId, {
          find: (key) => store.findReservationByKey(key),
          perform: async () => {
            try {
              return await store.reserve(
                {
                  reservationId: `res_${randomUUID()}`,
                  idempotencyKey: step.idempotencyKey,
                  orderId: input.orderId,
                  lines: normalizeLines(input.lines),
                  at: clock().toISOString(),
                },
                events,
              );
            } catch (error) {
              // Rejected before anything was stored (bad quantity, unknown SKU): still an InventoryUpdateFailed fact,
              // whose outbox row is the only record of it.
              if (error instanceof BusinessError) {
                await store.recordEvents([rejectionEvent(step, input, error, clock().toISOString())]);
              }
              throw error;
            }
          },
          undone: (stored) => stored.status === 'released',
          differences: (stored) => differenceIn('lines', unitsBySku(stored.lines), unitsBySku(input.lines)),
        });
        await store.outbox.backfill(events(reservation));
        if (reservation.status === 'rejected') throw new OutOfStockError(shortagesOf(reservation));
        return { reservationId: reservation.reservationId, attempts: step.attempt };
      }),

    releaseInventory: (input: OrderRefInput): Promise<CompensationResult> =>
      inStep(async (step) => {
        const at = clock().toISOString();
        const events = (reservation: Reservation) => {
          const { orderId, reservationId } = reservation;
          const data = { orderId, reservationId, lines: stockLines(reservation.lines) };
          const time = reservation.releasedAt ?? reservation.createdAt;
          return [stepEvent(step, input.sequence, { name: 'InventoryReleased', data, time })];
        };
        const { applied, reservation } = await store.release(
          undoInput(step, input.orderId, 'releaseInventory', at),
          events,
        );
        if (!applied || reservation === undefined) return { applied: false, attempts: step.attempt };
        await store.outbox.backfill(events(reservation));
        return { applied: true, attempts: step.attempt };
      }),

    commitReservation: (input: OrderRefInput): Promise<CompensationResult> =>
      inStep(async (step) => {
        const at = clock().toISOString();
        const outcome = await store.commit({ orderId: input.orderId, idempotencyKey: step.idempotencyKey, at });
        return { applied: outcome.applied, attempts: step.attempt };
      }),
  };
}

/** The event a stored reservation announces: InventoryUpdated, or InventoryUpdateFailed when it was short. */
function reservationEvent(step: StepContext, input: ReserveInventoryInput, reservation: Reservation) {
  if (reservation.status === 'rejected') {
    return rejectionEvent(
      step,
      input,
      new OutOfStockError(shortagesOf(reservation)),
      reservation.createdAt,
      reservation,
    );
  }
  const { orderId, reservationId } = reservation;
  const data = { orderId, reservationId, lines: stockLines(reservation.lines) };
  return stepEvent(step, input.sequence, { name: 'InventoryUpdated', data, time: reservation.createdAt });
}

/** InventoryUpdateFailed: the refusal, with the reservation that recorded it when there is one. */
function rejectionEvent(
  step: StepContext,
  input: ReserveInventoryInput,
  error: BusinessError,
  time: string,
  reservation?: Reservation,
) {
  const data = {
    orderId: input.orderId,
    ...(reservation && { reservationId: reservation.reservationId, shortages: shortagesOf(reservation) }),
    lines: stockLines(reservation?.lines ?? input.lines),
    reason: { code: error.code, message: error.message },
  };
  return stepEvent(step, input.sequence, { name: 'InventoryUpdateFailed', data, time });
}

function shortagesOf(reservation: Reservation): { sku: string; requested: number; available: number }[] {
  return reservation.lines
    .filter((l) => l.availableBefore < l.quantity)
    .map((l) => ({ sku: l.sku, requested: l.quantity, available: l.availableBefore }));
}

/**
 * The same reservation request asks for the same units of the same SKUs: lines are compared merged by SKU and
 * sorted, as the reservation stores them normalized.
 */
function unitsBySku(lines: readonly { sku: string; quantity: number }[]): [string, number][] {
  const units = new Map<string, number>();
  for (const { sku, quantity } of lines) units.set(sku, (units.get(sku) ?? 0) + quantity);
  return [...units].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** An event's lines: SKU and quantity only. */
function stockLines(lines: readonly { sku: string; quantity: number }[]): { sku: string; quantity: number }[] {
  return lines.map(({ sku, quantity }) => ({ sku, quantity }));
}
