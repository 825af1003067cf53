// The pagination cursor of the order list: the sort key of the last order on a page, `<createdAt>~<orderId>`.

export interface OrderCursor {
  createdAt: string;
  orderId: string;
}

/**
 * Every cursor the list accepts, exactly: any position in the sort order is a valid place to continue from (a
 * keyset cursor means "older than this"), so the OpenAPI document can describe a cursor completely and a client or a
 * fuzzer that sends one matching it is never refused. `[0-9]` rather than `\d`, which some engines take as any
 * Unicode digit.
 */
export const cursorPattern =
  /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z~[A-Za-z0-9_-]{1,64}$/;

/** An invalid cursor from a client; the API maps its code to 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  readonly code = 'InvalidCursor';

  constructor(text: string) {
    super(`invalid cursor: ${JSON.stringify(text.slice(0, 80))}`);
  }
}

/** Readable on purpose: it is a position, not a secret, and its format is part of the API's contract. */
export function encodeCursor(cursor: OrderCursor): string {
  return `${cursor.createdAt}~${cursor.orderId}`;
}

export function decodeCursor(text: string): OrderCursor {
  if (!cursorPattern.test(text)) throw new InvalidCursorError(text);
  const at = text.indexOf('~');
  return { createdAt: text.slice(0, at), orderId: text.slice(at + 1) };
}
