// Schemas of the order resource: what a customer submits, and the order the API answers with.
import { z } from '@hono/zod-openapi';
import { OrderStatuses } from '../../shared/order-status.js';
import { CustomerIdSchema, MoneySchema, OrderIdSchema } from './common.js';
import { cursorPattern } from '../../read-models/orders/cursor.js';

const text = (max: number) => z.string().trim().min(1).max(max);

/**
 * Shape and sanity limits only. Whether a SKU exists and whether a quantity is within what the catalogue
 * sells (1..100 per SKU) is the inventory service's call, made by the workflow's pricing step: those
 * answer 422 UNKNOWN_SKU / INVALID_QUANTITY. Unknown keys are refused (`strictObject`) so a typo such as
 * `quantitiy` or a smuggled `__proto__` is a 400, never silently dropped.
 */
export const PlaceOrderBodySchema = z
  .strictObject({
    /** Optional: the order is always the token's subject's; when sent, it must name the subject. */
    customerId: CustomerIdSchema.optional(),
    items: z
      .array(
        z.strictObject({
          sku: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only (at most 64)'),
          quantity: z.number().int().min(1).max(10_000),
        }),
      )
      .min(1)
      .max(50),
    payment: z.strictObject({ token: text(128).openapi({ example: 'tok_ok' }) }),
    shippingAddress: z.strictObject({
      name: text(200),
      line1: text(200),
      line2: text(200).optional(),
      city: text(100),
      postalCode: text(20),
      country: z.string().regex(/^[A-Z]{2}$/, 'ISO 3166-1 alpha-2, upper case'),
    }),
  })
  .openapi('PlaceOrder', {
    example: {
      customerId: 'cus_ada',
      items: [{ sku: 'SKU-TSHIRT', quantity: 2 }],
      payment: { token: 'tok_ok' },
      shippingAddress: {
        name: 'Ada Lovelace',
        line1: 'Damrak 1',
        city: 'Amsterdam',
        postalCode: '1012 LG',
        country: 'NL',
      },
    },
  });

export type PlaceOrderBody = z.infer<typeof PlaceOrderBodySchema>;

/** `Idempotency-Key`: the same key (per customer) with the same body places the order once. */
export const PlaceOrderHeadersSchema = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, 'printable ASCII without spaces, at most 255')
    .optional()
    .openapi({ example: '5b7e3f0c-checkout-42' }),
});

export const PricedLineSchema = z
  .object({
    sku: z.string(),
    name: z.string(),
    quantity: z.number().int(),
    unitPrice: MoneySchema,
    lineTotal: MoneySchema,
  })
  .openapi('PricedLine');

export const FailureSchema = z.object({ code: z.string(), message: z.string() }).openapi('Failure');

export const OrderLinksSchema = z
  .object({
    self: z.string(),
    events: z.string().openapi({ description: 'Server-Sent Events of the order’s domain events' }),
    temporalUi: z.string().openapi({ description: 'The order’s workflow in the Temporal Web UI' }),
    trace: z
      .string()
      .optional()
      .openapi({ description: 'The order’s trace in the trace viewer (Jaeger), when tracing is on' }),
  })
  .openapi('OrderLinks');

const StatusSchema = z.enum(OrderStatuses);

/** The answer to POST /orders. */
export const PlacedOrderSchema = z
  .object({
    orderId: OrderIdSchema,
    status: StatusSchema,
    total: MoneySchema.optional(),
    items: z.array(PricedLineSchema),
    failure: FailureSchema.optional(),
    links: OrderLinksSchema,
  })
  .openapi('PlacedOrder');

const StepRecordSchema = z.object({
  name: z.string(),
  outcome: z.enum(['running', 'succeeded', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  attempts: z.number().int(),
  detail: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
  failure: FailureSchema.optional(),
});

const CompensationRecordSchema = z.object({
  name: z.string(),
  outcome: z.enum(['running', 'succeeded', 'failed']),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  applied: z.boolean().optional(),
  failure: FailureSchema.optional(),
});

/** The fields an order has wherever it is read from. */
const orderFields = {
  orderId: OrderIdSchema,
  customerId: z.string().optional(),
  status: StatusSchema,
  items: z.array(PricedLineSchema),
  total: MoneySchema.optional(),
  approvalDeadline: z.iso.datetime().optional().openapi({
    description:
      'When an order above the approval threshold stops waiting for an operator and is cancelled (APPROVAL_EXPIRED). ' +
      'Always on the live order; in lists only when OrderCreated v2 is published.',
  }),
  failure: FailureSchema.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  links: OrderLinksSchema,
};

/** One order in a list: what the order read model knows of it. */
export const OrderSummarySchema = z.object(orderFields).openapi('OrderSummary');

/**
 * One order. `source: workflow` is the live state (steps and compensations included); `read-model` is
 * what the events recorded, for orders whose workflow history has been removed.
 */
export const OrderSchema = z
  .object({
    ...orderFields,
    shippingAddress: z.record(z.string(), z.string()).optional(),
    steps: z.array(StepRecordSchema).optional(),
    compensations: z.array(CompensationRecordSchema).optional(),
    source: z.enum(['workflow', 'read-model']),
  })
  .openapi('Order');

export const OrderPageSchema = z
  .object({ orders: z.array(OrderSummarySchema), nextCursor: z.string().nullable() })
  .openapi('OrderPage');

export const ListOrdersQuerySchema = z.object({
  status: StatusSchema.optional(),
  customerId: CustomerIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z
    .string()
    .regex(cursorPattern, 'a nextCursor of an earlier page: <createdAt>~<orderId>')
    .optional()
    .openapi({
      description: 'Continue after this order: a page’s `nextCursor`',
      example: '2026-12-01T10:00:00.000Z~ord-42',
    }),
});

export const OrderIdParamsSchema = z.object({
  orderId: OrderIdSchema.openapi({ param: { name: 'orderId', in: 'path' } }),
});

/** Body of cancel and reject: `{}` or a reason with something in it besides white space (kept trimmed). */
export const ReasonBodySchema = z
  .strictObject({ reason: z.string().max(500).regex(/\S/, 'must not be only white space').trim().optional() })
  .openapi('Reason');

/** Body of approve and retry-compensations: `{}`, the JSON that makes the request a JSON one (see json-only.ts). */
export const NoArgumentsSchema = z.strictObject({}).openapi('NoArguments');
