// Refuses a request body over the limit with 413, having read it so far only, and leaves the rest unlocked for draining.
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { ApiError } from '../errors.js';

/**
 * Hono's own body limit stops reading at the limit and keeps its reader, so nothing can take the rest of the
 * body off the connection afterwards and the server cuts it under the client (issue 11). This one buffers the
 * body up to `maxBytes` like Hono's, and on a refusal releases its reader, so `drainUnreadBody` (installed
 * before it) can read the rest and keep the connection alive.
 */
export function bodyLimit(maxBytes: number): MiddlewareHandler<AppEnv> {
  const tooLarge = () => new ApiError('PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBytes} bytes`);
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const declared = raw.headers.has('transfer-encoding') ? undefined : raw.headers.get('content-length');
    if (declared !== undefined && declared !== null) {
      if (Number.parseInt(declared, 10) > maxBytes) throw tooLarge();
      return next();
    }
    const reader: ReadableStreamDefaultReader<Uint8Array> = raw.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        reader.releaseLock();
        throw tooLarge();
      }
      chunks.push(value);
    }
    const body = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      body.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.req.raw = new Request(raw, { body });
    return next();
  };
}
