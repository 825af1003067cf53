// The shipping service's activities: create the order's shipment, cancel it as the saga's compensation.
import { randomUUID } from 'node:crypto';
import type {
  CompensationResult,
  CreateShipmentInput,
  CreateShipmentResult,
  OrderRefInput,
  ShippingActivities,
} from '../../shared/activity-contracts.js';
import type { ShippingAddress } from '../../shared/order.js';
import { systemClock } from '../clock.js';
import type { ServiceActivityDeps } from '../activity-deps.js';
import { differenceIn, idempotentStep } from '../idempotent-step.js';
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
 * deadline, or retried) finds it and fails with StepAlreadyCompensated, booking and announcing nothing; so does one
 * that finds its shipment cancelled (a new run of the order, after a reset). A stored shipment to another address,
 * or of another number of items, fails with IdempotencyMismatch.
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
          return [stepEvent(step, input, { name: 'OrderShipped', data, time: shipment.createdAt })];
        };
        const address = normalizedAddress(input.address);
        const itemCount = input.lines.reduce((n, l) => n + l.quantity, 0);
        const shipment = await idempotentStep(step, input.orderId, {
          find: (key) => store.findShipmentByKey(key),
          perform: () => {
            const { country } = address;
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
                itemCount,
                address,
                at: clock().toISOString(),
              },
              events,
            );
          },
          undone: (stored) => stored.status === 'cancelled',
          differences: (stored) => [
            ...(stored.address === undefined
              ? // Stored before addresses were kept: the country is what such a row knows of its destination.
                differenceIn('country', stored.country, address.country)
              : differenceIn('address', stored.address, address)),
            ...differenceIn('itemCount', stored.itemCount, itemCount),
          ],
        });
        await store.outbox.backfill(events(shipment));
        const { shipmentId, carrier, trackingNumber } = shipment;
        return { shipmentId, carrier, trackingNumber, attempts: step.attempt };
      }),

    cancelShipment: (input: OrderRefInput): Promise<CompensationResult> =>
      inStep(async (step) => {
        const at = clock().toISOString();
        const events = (shipment: Shipment) => [
          stepEvent(step, input, {
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

/**
 * The address as the shipment is booked and compared: the country trimmed and upper case (what picks the carrier),
 * the rest as given, fields in one order so the stored JSON compares equal for the same request.
 */
function normalizedAddress(address: ShippingAddress): ShippingAddress {
  const { name, line1, line2, city, postalCode } = address;
  return {
    name,
    line1,
    ...(line2 === undefined ? {} : { line2 }),
    city,
    postalCode,
    country: address.country.trim().toUpperCase(),
  };
}

function shipmentData(shipment: Shipment): Pick<Shipment, 'orderId' | 'shipmentId' | 'carrier' | 'trackingNumber'> {
  const { orderId, shipmentId, carrier, trackingNumber } = shipment;
  return { orderId, shipmentId, carrier, trackingNumber };
}
