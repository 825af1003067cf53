// The opaque pagination cursor of the order list: the sort key of the last order on a page.
import { z } from 'zod';

export interface OrderCursor {
  createdAt: string;
  orderId: string;
}

const cursorSchema = z.object({ c: z.string().min(1), o: z.string().min(1) });

/** An invalid cursor from a client; the API maps its code to 400. */
export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
  readonly code = 'InvalidCursor';

  constructor(options?: { cause?: unknown }) {
    super('invalid cursor', options);
  }
}

/** base64url JSON: opaque to clients, so the sort key can change without breaking their contract. */
export function encodeCursor(cursor: OrderCursor): string {
  return Buffer.from(JSON.stringify({ c: cursor.createdAt, o: cursor.orderId })).toString('base64url');
}

export function decodeCursor(text: string): OrderCursor {
  try {
    const parsed = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return { createdAt: parsed.c, orderId: parsed.o };
  } catch (cause) {
    throw new InvalidCursorError({ cause });
  }
}
