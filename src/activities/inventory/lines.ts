// Normalizes requested order lines before pricing or reserving them.
import type { OrderLineInput } from '../../shared/order.js';
import { InvalidQuantityError } from './errors.js';

/** The most of one SKU a single order may hold. */
export const maxQuantityPerSku = 100;

/**
 * Checks every quantity is an integer in 1..100 and merges lines of the same SKU (first position kept), so
 * `[{A,1},{A,2}]` is `[{A,3}]`; the merged quantity must stay within the limit too. An empty order is
 * rejected as InvalidQuantity (there is nothing else it could be).
 */
export function normalizeLines(lines: readonly OrderLineInput[]): OrderLineInput[] {
  if (lines.length === 0) throw new InvalidQuantityError('an order needs at least one line', []);
  const invalid = lines.filter((l) => !isValidQuantity(l.quantity));
  if (invalid.length > 0) throw quantityError(invalid);
  const merged = new Map<string, number>();
  for (const line of lines) merged.set(line.sku, (merged.get(line.sku) ?? 0) + line.quantity);
  const normalized = [...merged].map(([sku, quantity]) => ({ sku, quantity }));
  const tooMany = normalized.filter((l) => !isValidQuantity(l.quantity));
  if (tooMany.length > 0) throw quantityError(tooMany);
  return normalized;
}

function isValidQuantity(quantity: number): boolean {
  return Number.isInteger(quantity) && quantity >= 1 && quantity <= maxQuantityPerSku;
}

function quantityError(lines: OrderLineInput[]): InvalidQuantityError {
  const list = lines.map((l) => `${l.sku} x ${l.quantity}`).join(', ');
  return new InvalidQuantityError(
    `quantity must be a whole number from 1 to ${maxQuantityPerSku} per SKU: ${list}`,
    lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
  );
}
