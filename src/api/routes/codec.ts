// POST /codec/decode and /codec/encode: the codec server protocol the Temporal Web UI and CLI call, for operators only.
import type { Payload } from '@temporalio/common';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { PayloadDecryptionError } from '../../codec/errors.js';
import type { AppEnv } from '../app-env.js';
import { requireScope } from '../auth/authenticator.js';
import { Scopes } from '../auth/principal.js';
import type { AppDeps } from '../deps.js';
import { ApiError, fieldIssues } from '../errors.js';
import { principalOf } from '../middleware/authenticate.js';
import { jsonOnly } from '../middleware/json-only.js';

/** Standard or URL-safe base64, as protobuf's JSON mapping writes `bytes` (and accepts). */
const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'base64');

/** A `Payloads` message in protobuf JSON: `{ payloads: [{ metadata: { encoding: <base64> }, data: <base64> }] }`. */
const PayloadsSchema = z.object({
  payloads: z
    .array(z.object({ metadata: z.record(z.string().max(256), base64).optional(), data: base64.optional() }))
    .max(1_000),
});

/** The headers the Web UI sends: `Content-Type: application/json`, `X-Namespace`, and `Authorization` if told to. */
const allowedHeaders = ['Content-Type', 'X-Namespace', 'Authorization'];

/** Who may call it from a browser: `CODEC_CORS_ORIGINS`, else the Web UI's own origin. */
export function codecOrigins(config: AppDeps['config']): string[] {
  return config.CODEC_CORS_ORIGINS ?? [new URL(config.TEMPORAL_UI_URL).origin];
}

/**
 * The preflight answer for the listed origins, with credentials allowed (the Web UI sends the sign-in cookie with
 * `credentials: 'include'`). Installed before authentication: a preflight carries no credentials.
 */
export function codecCors(config: AppDeps['config']): MiddlewareHandler<AppEnv> {
  const origins = codecOrigins(config);
  return cors({
    origin: (origin) => (origins.includes(origin) ? origin : null),
    allowMethods: ['POST'],
    allowHeaders: allowedHeaders,
    credentials: true,
    maxAge: 600,
  });
}

/**
 * Decoding hands plain order data (addresses, payment tokens) to the caller, so: operators only (bearer token, or
 * the sign-in cookie), JSON only (no form post from another site reaches it), and a browser request from an
 * origin not in the list is refused outright, beside CORS keeping its answer from the page. The CLI sends no
 * `Origin`. Nothing is stored: the answer is computed from the request alone.
 */
export function codecRoutes(deps: AppDeps) {
  const origins = codecOrigins(deps.config);
  const handle = (operation: 'decode' | 'encode') => async (c: Context<AppEnv>) => {
    requireScope(principalOf(c), Scopes.operate);
    const origin = c.req.header('origin');
    if (origin !== undefined && !origins.includes(origin)) {
      throw new ApiError('FORBIDDEN', `Origin ${origin} may not call the codec endpoint (CODEC_CORS_ORIGINS)`);
    }
    const namespace = c.req.header('x-namespace');
    if (namespace !== undefined && namespace !== '' && namespace !== deps.config.TEMPORAL_NAMESPACE) {
      throw new ApiError('VALIDATION_FAILED', 'X-Namespace: this codec serves the namespace of the API only', [
        { path: 'header.x-namespace', message: `must be ${deps.config.TEMPORAL_NAMESPACE}` },
      ]);
    }
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new ApiError('MALFORMED_JSON', 'The request body is not valid JSON');
    }
    const parsed = PayloadsSchema.safeParse(body);
    if (!parsed.success) {
      throw new ApiError('VALIDATION_FAILED', 'The body must be a Payloads message', fieldIssues('json', parsed.error));
    }
    const payloads = parsed.data.payloads.map(fromJson);
    let result: Payload[];
    try {
      result = operation === 'decode' ? await deps.codec.decode(payloads) : await deps.codec.encode(payloads);
    } catch (error) {
      if (error instanceof PayloadDecryptionError) throw new ApiError('PAYLOAD_UNDECODABLE', error.message);
      throw error;
    }
    c.header('Cache-Control', 'no-store');
    return c.json({ payloads: result.map(toJson) }, 200);
  };
  return new Hono<AppEnv>()
    .post('/codec/decode', jsonOnly, handle('decode'))
    .post('/codec/encode', jsonOnly, handle('encode'));
}

function fromJson(payload: { metadata?: Record<string, string>; data?: string }): Payload {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
  );
  return { metadata, data: Buffer.from(payload.data ?? '', 'base64') };
}

function toJson(payload: Payload): { metadata: Record<string, string>; data: string } {
  const metadata = Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? []).toString('base64')]),
  );
  return { metadata, data: Buffer.from(payload.data ?? []).toString('base64') };
}
