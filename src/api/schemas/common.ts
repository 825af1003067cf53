// Schemas shared by several routes: identifiers, money, and the error body every route may answer with.
import { z } from '@hono/zod-openapi';
import { errorCodes, errorStatus } from '../errors.js';
import type { ErrorCode } from '../errors.js';

/**
 * Order IDs end up in a workflow ID and a NATS subject token (`orders.<orderId>.>`), so they may not
 * contain dots, wildcards or spaces; generated ones are UUIDs.
 */
export const OrderIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only (at most 64)')
  .openapi({ example: '0f6c1f9e-6d0b-4b5e-9a36-3c7f0f2f6a51' });

export const CustomerIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only (at most 64)')
  .openapi({ example: 'cus_ada' });

export const MoneySchema = z
  .object({
    amount: z.number().int().openapi({ description: 'Minor units (cents)', example: 3_998 }),
    currency: z.string().openapi({ description: 'ISO 4217', example: 'EUR' }),
  })
  .openapi('Money');

export const ErrorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      details: z.unknown().optional(),
      requestId: z.string(),
    }),
  })
  .openapi('Error');

const errorDescriptions: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'The request does not match the schema; `details` lists the offending fields',
  MALFORMED_JSON: 'The body is not valid JSON',
  INVALID_CURSOR: 'The cursor was not issued by this API',
  PAYLOAD_UNDECODABLE:
    'The codec endpoint cannot decrypt a payload: its key id is not loaded, or it was altered (docs/security.md)',
  UNAUTHENTICATED: 'No bearer token was sent (`Authorization: Bearer <token>`); `WWW-Authenticate` says how',
  INVALID_TOKEN:
    'The token is malformed, expired, not yet valid, for another issuer or audience, or its signature does not ' +
    'verify; `WWW-Authenticate` carries `error="invalid_token"` and why',
  FORBIDDEN: 'The token is valid but its principal may not do this (a customer on an operator route, another customer)',
  NOT_FOUND: 'No such order',
  ROUTE_NOT_FOUND: 'No such route',
  METHOD_NOT_ALLOWED: 'The path exists, under the methods `Allow` lists',
  INVALID_STATE: 'The order’s state does not allow this; the message says why',
  PAYLOAD_TOO_LARGE: 'The body is larger than the configured limit',
  UNSUPPORTED_MEDIA_TYPE: 'The body is not application/json',
  UNKNOWN_SKU: 'An item names a SKU the catalogue does not have',
  INVALID_QUANTITY: 'A quantity is out of range',
  IDEMPOTENCY_KEY_REUSED: 'The Idempotency-Key was used before with a different body',
  IDEMPOTENCY_KEY_EXPIRED:
    'The Idempotency-Key belongs to an order older than the namespace’s retention; send a new order with a new key',
  RATE_LIMITED: 'Too many writes from this principal; retry after `Retry-After` seconds',
  TOO_MANY_STREAMS: 'This principal already holds as many event streams open as it may',
  INTERNAL: 'An unexpected error; logged with the request ID',
  UNAVAILABLE: 'A dependency did not answer in time',
  NOT_READY: 'A dependency is unreachable; the message names it',
  STREAMS_BUSY: 'The API holds as many event streams open as it may; retry after `Retry-After` seconds',
};

/** The OpenAPI `responses` entries for the given error codes, grouped by status. */
export function errorResponses(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of [...codes, 'INTERNAL' as const]) {
    const status = errorStatus[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, list]) => [
      status,
      {
        description: list.map((code) => `${code}: ${errorDescriptions[code]}`).join('; '),
        content: { 'application/json': { schema: ErrorBodySchema } },
      },
    ]),
  );
}
