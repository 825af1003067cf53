// The one catalogue of domain events: names, schema versions, producers and the zod schema of each payload.
import { z } from 'zod';
import { OrderStatuses } from '../shared/order-status.js';

const money = z.object({
  amount: z.number().int().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code'),
});
const id = z.string().min(1);
/** Order IDs become a NATS subject token, so they may not contain separators or wildcards. */
const orderId = z.string().regex(/^[^.*>\s]+$/, 'expected an order ID without dots, wildcards or spaces');
const reason = z.object({ code: z.string().min(1), message: z.string() });
const stockLine = z.object({ sku: id, quantity: z.number().int().positive() });
const pricedLine = stockLine.extend({ name: z.string(), unitPrice: money, lineTotal: money });

/** Order-level events share one shape: the order worker publishes them from the workflow's state. */
const orderEvent = z.object({
  orderId,
  customerId: id,
  status: z.enum(OrderStatuses),
  total: money.optional(),
  lines: z.array(pricedLine).optional(),
  reason: reason.optional(),
});
const failedOrderEvent = orderEvent.extend({ reason });

const payment = z.object({ orderId, customerId: id, paymentId: id, amount: money });
const shortage = z.object({ sku: id, requested: z.number().int(), available: z.number().int() });
const shipment = z.object({ orderId, shipmentId: id, carrier: z.string().min(1), trackingNumber: id });

/** Which service publishes an event; becomes the CloudEvents `source` (`order-saga/<producer>`). */
export type EventProducer = 'orders' | 'payments' | 'inventory' | 'shipping';

interface CatalogueEntry {
  version: number;
  producer: EventProducer;
  schema: z.ZodType<{ orderId: string }>;
}

/**
 * Every event the system publishes. Bump `version` (and the schema) together when a payload changes
 * incompatibly; the version travels in the CloudEvents `type` so consumers can refuse what they do not
 * understand. Every payload carries `orderId` (also the envelope `subject`) and `customerId` where the
 * producer knows it (inventory and shipping are not told who the customer is).
 */
export const eventCatalogue = {
  OrderCreated: { version: 1, producer: 'orders', schema: orderEvent },
  OrderCompleted: { version: 1, producer: 'orders', schema: orderEvent },
  OrderFailed: { version: 1, producer: 'orders', schema: failedOrderEvent },
  OrderCancelled: { version: 1, producer: 'orders', schema: orderEvent },
  CompensationFailed: { version: 1, producer: 'orders', schema: failedOrderEvent },
  PaymentProcessed: { version: 1, producer: 'payments', schema: payment },
  PaymentFailed: { version: 1, producer: 'payments', schema: payment.extend({ reason }) },
  PaymentRefunded: { version: 1, producer: 'payments', schema: payment },
  InventoryUpdated: {
    version: 1,
    producer: 'inventory',
    schema: z.object({ orderId, reservationId: id, lines: z.array(stockLine) }),
  },
  InventoryUpdateFailed: {
    version: 1,
    producer: 'inventory',
    schema: z.object({
      orderId,
      /** Absent when the request was rejected before a reservation was recorded (unknown SKU, bad quantity). */
      reservationId: id.optional(),
      lines: z.array(z.object({ sku: z.string(), quantity: z.number() })),
      reason,
      shortages: z.array(shortage).optional(),
    }),
  },
  InventoryReleased: {
    version: 1,
    producer: 'inventory',
    schema: z.object({ orderId, reservationId: id, lines: z.array(stockLine) }),
  },
  OrderShipped: {
    version: 1,
    producer: 'shipping',
    schema: shipment.extend({ country: z.string().length(2), itemCount: z.number().int().nonnegative() }),
  },
  ShipmentCancelled: { version: 1, producer: 'shipping', schema: shipment },
} as const satisfies Record<string, CatalogueEntry>;

export type EventName = keyof typeof eventCatalogue;
/** The payload type of an event, as its schema describes it. */
export type EventData<N extends EventName> = z.infer<(typeof eventCatalogue)[N]['schema']>;

export const eventNames = Object.keys(eventCatalogue) as EventName[];

export function isEventName(value: string): value is EventName {
  return Object.hasOwn(eventCatalogue, value);
}

/** The CloudEvents `type` of an event at its current version, e.g. `com.ordersaga.PaymentProcessed.v1`. */
export function eventType(name: EventName): string {
  return `com.ordersaga.${name}.v${eventCatalogue[name].version}`;
}

const namesByType: ReadonlyMap<string, EventName> = new Map(eventNames.map((name) => [eventType(name), name]));

/**
 * The event an incoming CloudEvents `type` names: an exact match with `eventType(name)`, so an unknown name and
 * a version this code does not understand are both undefined. Outgoing events carry their name (`OutgoingEvent`).
 */
export function eventNameOfType(type: string): EventName | undefined {
  return namesByType.get(type);
}

/** The CloudEvents `source` of an event: the service that publishes it. */
export function eventSource(name: EventName): string {
  return `order-saga/${eventCatalogue[name].producer}`;
}

/** The NATS subject an order's event goes to; per-order subjects let a consumer follow one order. */
export function eventSubject(orderId: string, name: EventName): string {
  return `orders.${orderId}.${name}`;
}

/** Every event of one order, as a subject filter: what a follower of that order subscribes to. */
export function orderSubjects(orderId: string): string {
  return `orders.${orderId}.>`;
}
