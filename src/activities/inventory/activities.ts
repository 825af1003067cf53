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
import { BusinessError } from '../business-error.js';
import { systemClock } from '../clock.js';
import type { ServiceActivityDeps } from '../activity-deps.js';
import { IdempotencyMismatchError, differenceIn, idempotentStep } from '../idempotent-step.js';
import { inStep, undoInput } from '../step-context.js';
import type { StepContext } from '../step-context.js';
import { stepEvent } from '../step-event.js';
import { OutOfStockError, UnknownSkuError } from './errors.js';
import { normalizeLines } from './lines.js';
import { unitsBySku } from './pricings.js';
import type { InventoryStore, Reservation, StoredPricing } from './store.js';

export type InventoryActivityDeps = ServiceActivityDeps<InventoryStore>;

/**
 * Builds the inventory activities around their dependencies. Prices always come from the catalogue,
 * never from the client; duplicate SKU lines are merged. An order's first pricing is stored under its step's key and
 * every later pricing of the order (a retry, a new run after a reset) returns it: the price the order was charged
 * stays its price when the catalogue changes; other items under the key fail with IdempotencyMismatch. Reservations are all-or-nothing and keyed by
 * idempotency key, and stored with their event (InventoryUpdated, or InventoryUpdateFailed when short) in one
 * transaction, so a retry replays the stored outcome instead of reserving (or announcing) twice. A release that
 * found nothing reserved leaves a tombstone under the reservation's key: a reserveInventory attempt that comes
 * later (stalled past its deadline, or retried) finds it and fails with StepAlreadyCompensated, reserving and
 * announcing nothing; so does one that finds its reservation released (a new run of the order, after a reset). A
 * stored reservation of other lines fails with IdempotencyMismatch.
 */
export function createInventoryActivities({ store, clock = systemClock }: InventoryActivityDeps): InventoryActivities {
  /** Prices the order from the catalogue as it is now and stores that as the order's pricing (unless one came first). */
  async function storeNewPricing(step: StepContext, input: PriceOrderInput): Promise<StoredPricing> {
    const pricing = await priceFromCatalogue(store, input.items);
    return store.storePricing({
      idempotencyKey: step.idempotencyKey,
      orderId: input.orderId,
      units: unitsBySku(pricing.lines),
      pricing,
      createdAt: clock().toISOString(),
    });
  }

  return {
    priceOrder: (input: PriceOrderInput): Promise<PricedOrder & AttemptCount> =>
      inStep(async (step) => {
        const units = unitsBySku(normalizeLines(input.items));
        const stored = (await store.findPricingByKey(step.idempotencyKey)) ?? (await storeNewPricing(step, input));
        const differences = differenceIn('items', stored.units, units);
        if (differences.length > 0) throw new IdempotencyMismatchError(step, input.orderId, differences);
        return { ...stored.pricing, attempts: step.attempt };
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
          return [stepEvent(step, input, { name: 'InventoryReleased', data, time })];
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

/** Prices the items (duplicate SKU lines merged) at the catalogue's current prices; UnknownSku names every SKU it lacks. */
async function priceFromCatalogue(store: InventoryStore, items: PriceOrderInput['items']): Promise<PricedOrder> {
  const lines = normalizeLines(items);
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
  return { lines: priced, total: { amount: total, currency: [...currencies][0] ?? 'EUR' } };
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
  return stepEvent(step, input, { name: 'InventoryUpdated', data, time: reservation.createdAt });
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
  return stepEvent(step, input, { name: 'InventoryUpdateFailed', data, time });
}

function shortagesOf(reservation: Reservation): { sku: string; requested: number; available: number }[] {
  return reservation.lines
    .filter((l) => l.availableBefore < l.quantity)
    .map((l) => ({ sku: l.sku, requested: l.quantity, available: l.availableBefore }));
}

/** An event's lines: SKU and quantity only. */
function stockLines(lines: readonly { sku: string; quantity: number }[]): { sku: string; quantity: number }[] {
  return lines.map(({ sku, quantity }) => ({ sku, quantity }));
}
