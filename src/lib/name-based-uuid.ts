// UUIDs derived from a name: the same text always gives the same ID, which is what makes retries idempotent.
import { createHash } from 'node:crypto';

/**
 * A UUID-shaped (version 8, RFC 9562) SHA-256 of `text`. Used wherever an ID must be the same on every
 * retry: event IDs (so JetStream drops a republished copy) and order IDs for an Idempotency-Key.
 */
export function nameBasedUuid(text: string): string {
  const bytes = createHash('sha256').update(text).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
