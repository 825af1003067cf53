// The shipping service's activities: create the order's shipment, cancel it as the saga's compensation.
import { randomUUID } from 'node:crypto';
import type {
  CompensationResult,
  CreateShipmentInput,
  CreateShipmentResult,
  OrderRefInput,
  ShippingActivities,
} from '../../shared/activity-contracts.js';
import { systemClock } from '../clock.js';
import type { ServiceActivityDeps } from '../activity-deps.js';
import { idempotentStep } from '../idempotent-step.js';
import { inStep, undoInput } from '../step-context.js';
import { stepEvent } from '../step-event.js';
import { carrierFor, defaultServedCountries, newTrackingNumber } from './carriers.js';
import { AddressRejectedError } from './errors.js';
import type { Shipment, ShippingStore } from './store.js';

export interface ShippingActivityDeps extends ServiceActivityDeps<ShippingStore> {
  /** ISO 3166-1 alpha-2 codes this service ships to; anything else is AddressRejected. */
  servedCountries?: readonly string[];
}

/**
 * Builds the shipping activities around their dependencies. The carrier follows from the destination
 * country; the shipment is stored with its OrderShipped event in one transaction, and a retried `createShipment`
 * returns the stored shipment and tracking number instead of booking a second parcel (or announcing it twice). A
 * rejected address announces nothing: the workflow reports the order's failure. A cancellation that found no
 * shipment leaves a tombstone under the shipment's key: a createShipment attempt that comes later (stalled past its
 * deadline, or retried) finds it and fails with StepAlreadyCompensated, booking and announcing nothing.
 */
export function createShippingActivities({
  store,
  clock = systemClock,
  servedCountries = defaultServedCountries,
}: ShippingActivityDeps): ShippingActivities {
  const served = new Set(servedCountries.map((c) => c.toUpperCase()));
  return {
    createShipment: (input: CreateShipmentInput): Promise<CreateShipmentResult> =>
      inStep(async (step) => {
        const events = (shipment: Shipment) => {
          const { country, itemCount } = shipment;
          const data = { ...shipmentData(shipment), country, itemCount };
          return [stepEvent(step, input.sequence, { name: 'OrderShipped', data, time: shipment.createdAt })];
        };
        const find = (key: string) => store.findShipmentByKey(key);
        const shipment = await idempotentStep(step, input.orderId, find, () => {
          const country = input.address.country.trim().toUpperCase();
          if (!served.has(country)) throw new AddressRejectedError(country, [...served]);
          const carrier = carrierFor(country);
          return store.createShipment(
            {
              shipmentId: `shp_${randomUUID()}`,
              idempotencyKey: step.idempotencyKey,
              orderId: input.orderId,
              carrier: carrier.name,
              trackingNumber: newTrackingNumber(carrier),
              country,
              itemCount: input.lines.reduce((n, l) => n + l.quantity, 0),
              at: clock().toISOString(),
            },
            events,
          );
        });
        await store.outbox.backfill(events(shipment));
        const { shipmentId, carrier, trackingNumber } = shipment;
        return { shipmentId, carrier, trackingNumber, attempts: step.attempt };
      }),

    cancelShipment: (input: OrderRefInput): Promise<CompensationResult> =>
      inStep(async (step) => {
        const at = clock().toISOString();
        const events = (shipment: Shipment) => [
          stepEvent(step, input.sequence, {
            name: 'ShipmentCancelled',
            data: shipmentData(shipment),
            time: shipment.cancelledAt ?? shipment.createdAt,
          }),
        ];
        const { applied, shipment } = await store.cancelShipment(
          undoInput(step, input.orderId, 'cancelShipment', at),
          events,
        );
        if (!applied || shipment === undefined) return { applied: false, attempts: step.attempt };
        await store.outbox.backfill(events(shipment));
        return { applied: true, attempts: step.attempt };
      }),
  };
}

function shipmentData(shipment: Shipment): Pick<Shipment, 'orderId' | 'shipmentId' | 'carrier' | 'trackingNumber'> {
  const { orderId, shipmentId, carrier, trackingNumber } = shipment;
  return { orderId, shipmentId, carrier, trackingNumber };
}
