// Idempotency-Key support: the order ID a key stands for, and the fingerprint of the body it was first used with.
import { createHash } from 'node:crypto';
import { nameBasedUuid } from '../../lib/name-based-uuid.js';

/**
 * The order ID for a customer's Idempotency-Key: a UUID-shaped (version 8) SHA-256 of the customer and
 * the key. Deriving it (instead of storing key -> ID somewhere) makes Temporal's workflow ID the lock: two
 * concurrent requests with one key name the same workflow, and only one can ever start. Keys are scoped
 * per customer, so two customers cannot collide by choosing the same key.
 */
export function orderIdForKey(customerId: string, key: string): string {
  return nameBasedUuid(`order-saga/idempotency/v1\n${customerId}\n${key}`);
}

/**
 * SHA-256 of the validated body in a canonical form (keys sorted at every level), so the same order sent
 * with its fields in another order is still "the same body", and any change of value is not.
 */
export function bodyFingerprint(body: unknown): string {
  return createHash('sha256').update(canonicalJson(body)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
