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
/** Who asked for what an order event reports (src/shared/actor.ts): the principal the API authenticated. */
const actor = z.strictObject({ kind: z.enum(['customer', 'operator']), id: z.string().min(1).max(255) });
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
  /** Added within v1: set on OrderApproved, CompensationsRetried and an OrderCancelled someone asked for. */
  actor: actor.optional(),
});
const failedOrderEvent = orderEvent.extend({ reason });

/**
 * OrderCreated v2: the priced lines and the total are required (every OrderCreated ever published had them, but v1
 * only promised them optionally), and an order that waits for an operator says until when.
 */
const orderCreatedV2 = orderEvent.extend({
  total: money,
  lines: z.array(pricedLine),
  /**
   * When an order awaiting approval is cancelled with APPROVAL_EXPIRED unless an operator decides first. Absent when
   * no approval applies, and for a run whose OrderCreated was scheduled before the workflow computed it.
   */
  approvalDeadline: z.iso
    .datetime()
    .optional()
    .meta({ description: 'When the order is cancelled (APPROVAL_EXPIRED) unless an operator decides first.' }),
});

/** Thrown by an upcaster for an older payload that the next version cannot represent. */
export class UpcastError extends Error {
  override readonly name = 'UpcastError';
  readonly code = 'UpcastFailed';
}

/** OrderCreated v1 → v2: the same fields; v1 left lines and total optional, which no producer ever used. */
function orderCreatedV1ToV2(data: z.infer<typeof orderEvent>): z.input<typeof orderCreatedV2> {
  const { total, lines } = data;
  if (total === undefined || lines === undefined) {
    throw new UpcastError('a v1 OrderCreated without total or lines cannot be read as v2 (none was ever published)');
  }
  return { ...data, total, lines };
}

const payment = z.object({ orderId, customerId: id, paymentId: id, amount: money });
const shortage = z.object({ sku: id, requested: z.number().int(), available: z.number().int() });
const shipment = z.object({ orderId, shipmentId: id, carrier: z.string().min(1), trackingNumber: id });

/** Which service publishes an event; becomes the CloudEvents `source` (`order-saga/<producer>`). */
export type EventProducer = 'orders' | 'payments' | 'inventory' | 'shipping';

type PayloadSchema = z.ZodType<{ orderId: string }>;

/** A version older than an event's current one that consumers still read, and how it becomes the next version. */
export interface PreviousVersion {
  schema: PayloadSchema;
  /** From this version's parsed payload to the next version's input; throws `UpcastError` when it cannot. */
  upcast: (data: never) => unknown;
}

export interface CatalogueEntry {
  /** The current version: what consumers read (older ones are upcast to it) and what producers publish by default. */
  version: number;
  producer: EventProducer;
  /** The current version's payload. */
  schema: PayloadSchema;
  /** Every older version still readable, by number; a version is taken out only as docs/events.md says. */
  previous?: Readonly<Record<number, PreviousVersion>>;
}

/**
 * Every event the system publishes. A payload that changes incompatibly gets a new `version` (and schema), and the
 * old one moves to `previous` with an upcaster to it (docs/events.md); the version travels in the CloudEvents `type`
 * so consumers can refuse what they do not understand. Every payload carries `orderId` (also the envelope `subject`) and `customerId` where the
 * producer knows it (inventory and shipping are not told who the customer is).
 */
export const eventCatalogue = {
  OrderCreated: {
    version: 2,
    producer: 'orders',
    schema: orderCreatedV2,
    previous: { 1: { schema: orderEvent, upcast: orderCreatedV1ToV2 } },
  },
  OrderApproved: { version: 1, producer: 'orders', schema: orderEvent },
  OrderCompleted: { version: 1, producer: 'orders', schema: orderEvent },
  OrderFailed: { version: 1, producer: 'orders', schema: failedOrderEvent },
  OrderCancelled: { version: 1, producer: 'orders', schema: orderEvent },
  CompensationFailed: { version: 1, producer: 'orders', schema: failedOrderEvent },
  /** Sent by a parked order (COMPENSATION_FAILED) every reminder interval until an operator resolves it. */
  CompensationReminder: {
    version: 1,
    producer: 'orders',
    schema: failedOrderEvent.extend({ reminder: z.number().int().positive(), parkedAt: z.iso.datetime() }),
  },
  CompensationsRetried: { version: 1, producer: 'orders', schema: orderEvent },
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

/** Every version of an event this code reads, oldest first, with its payload schema. */
export function eventVersions(name: EventName): { version: number; schema: PayloadSchema }[] {
  return entryVersions(eventCatalogue[name]);
}

/** Every version of one catalogue entry, oldest first (the compatibility gate reads copies of the catalogue too). */
export function entryVersions(entry: CatalogueEntry): { version: number; schema: PayloadSchema }[] {
  const previous = Object.entries(entry.previous ?? {}).map(([version, { schema }]) => ({
    version: Number(version),
    schema,
  }));
  return [...previous.sort((a, b) => a.version - b.version), { version: entry.version, schema: entry.schema }];
}

/** The payload schema of one version of an event; undefined for a version this code does not know. */
export function eventSchema(name: EventName, version: number): PayloadSchema | undefined {
  const entry: CatalogueEntry = eventCatalogue[name];
  return version === entry.version ? entry.schema : entry.previous?.[version]?.schema;
}

/** How `version` of an event is read as the next one; undefined for the current version. */
export function upcasterOf(name: EventName, version: number): PreviousVersion['upcast'] | undefined {
  const entry: CatalogueEntry = eventCatalogue[name];
  return entry.previous?.[version]?.upcast;
}

/** The CloudEvents `type` of an event, e.g. `com.ordersaga.PaymentProcessed.v1`; its current version by default. */
export function eventType(name: EventName, version: number = eventCatalogue[name].version): string {
  return `com.ordersaga.${name}.v${version}`;
}

const namesByType: ReadonlyMap<string, { name: EventName; version: number }> = new Map(
  eventNames.flatMap((name) =>
    eventVersions(name).map(({ version }) => [eventType(name, version), { name, version }] as const),
  ),
);

/**
 * The event and version an incoming CloudEvents `type` names: an exact match with `eventType(name, version)` of a
 * version this code reads, so an unknown name and an unknown version are both undefined. Outgoing events carry
 * their name (`OutgoingEvent`).
 */
export function eventOfType(type: string): { name: EventName; version: number } | undefined {
  return namesByType.get(type);
}

/** The event an incoming CloudEvents `type` names, at any version this code reads (see `eventOfType`). */
export function eventNameOfType(type: string): EventName | undefined {
  return namesByType.get(type)?.name;
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
