// Keeps a kept-alive connection usable after an answer sent before the request body was read (401, 413, 415, 429...).
import type { IncomingMessage } from 'node:http';
import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';

export interface DrainOptions {
  /** The most of an unread body read off the connection to keep it; a larger one closes it. */
  maxBytes: number;
  /** How long draining may take (a slow client); past it the connection is closed. */
  maxMs: number;
}

/**
 * A body nobody read still sits on the connection in front of the client's next request; the server must read
 * it off or close the connection, and say which. Answering `Connection: keep-alive` and then cutting the
 * connection (what @hono/node-server does once its own short drain gives up) makes Node's `fetch` fail the next
 * request on the pooled connection with `other side closed`. So, after the answer is decided and before it is
 * sent: a body not yet fully received is read and dropped, up to a bound; if it is larger or slower than that,
 * the answer says `Connection: close`, and the client opens a new connection for its next request.
 *
 * Installed first, so it sees the answer of every later middleware and route. Without a Node request (tests
 * calling `app.request()`) there is no connection to keep, and nothing to do.
 */
export function drainUnreadBody({ maxBytes, maxMs }: DrainOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    await next();
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    if (!incoming || incoming.complete) return;
    const body = c.req.raw.body;
    if (body && !body.locked && (await drained(body, maxBytes, maxMs))) return;
    try {
      c.res.headers.set('connection', 'close');
    } catch {
      // A response with immutable headers (one passed through from fetch): copy it.
      c.res = new Response(c.res.body, c.res);
      c.res.headers.set('connection', 'close');
    }
  };
}

/** Reads the stream to its end and drops it; false when it is larger than `maxBytes` or takes over `maxMs`. */
async function drained(body: ReadableStream<Uint8Array>, maxBytes: number, maxMs: number): Promise<boolean> {
  const reader = body.getReader();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), maxMs);
  });
  try {
    let size = 0;
    for (;;) {
      const read = await Promise.race([reader.read(), timedOut]);
      if (read === 'timeout') return false;
      if (read.done) return true;
      size += read.value.byteLength;
      if (size > maxBytes) return false;
    }
  } catch {
    // The client went away mid-body: there is no connection left to keep.
    return false;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}
