// The API's one error class, the one table from error code to HTTP status, and the handlers that render every error.
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import type { Logger } from '../logger.js';
import type { AppEnv } from './app-env.js';

/**
 * Every error code the API answers with, and its status. The code is the stable contract for clients (the
 * message is for people and may change); adding a code means adding a row here and nowhere else.
 */
export const errorStatus = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  INVALID_CURSOR: 400,
  PAYLOAD_UNDECODABLE: 400,
  UNAUTHENTICATED: 401,
  INVALID_TOKEN: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  INVALID_STATE: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNKNOWN_SKU: 422,
  INVALID_QUANTITY: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  IDEMPOTENCY_KEY_EXPIRED: 422,
  RATE_LIMITED: 429,
  TOO_MANY_STREAMS: 429,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  NOT_READY: 503,
  STREAMS_BUSY: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof errorStatus;
export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown; requestId: string };
}

/** Thrown anywhere in a request; `app.onError` turns it into the error body with the status from the table. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  /** Response headers the answer must carry: `WWW-Authenticate` on a 401, `Retry-After` on a 429. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.headers = options?.headers ?? {};
  }

  get status(): ContentfulStatusCode {
    return errorStatus[this.code];
  }
}

/** One offending field of a request: where it is (`body.items.0.quantity`) and what is wrong with it. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** Turns zod issues into `details`, prefixed with the part of the request they came from. */
export function fieldIssues(target: string, error: ZodError): FieldIssue[] {
  const where = target === 'json' ? 'body' : target;
  return error.issues.slice(0, 20).map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/**
 * The validator hook of every route (installed as the app's `defaultHook`): schema violations become
 * VALIDATION_FAILED with the offending fields, through the same error path as everything else.
 */
export function validationHook(result: { target: string } & ({ success: true } | { success: false; error: ZodError })) {
  if (!result.success) {
    throw new ApiError(
      'VALIDATION_FAILED',
      'The request does not match the schema',
      fieldIssues(result.target, result.error),
    );
  }
}

export function errorBody(c: Context<AppEnv>, error: ApiError): ErrorBody {
  const body: ErrorBody['error'] = { code: error.code, message: error.message, requestId: c.get('requestId') };
  if (error.details !== undefined) body.details = error.details;
  return { error: body };
}

/** Errors Hono and its middleware throw themselves (malformed JSON, 415 gate, body limit), by status. */
function fromHttpException(error: HTTPException): ApiError {
  switch (error.status) {
    case 400:
      return new ApiError('MALFORMED_JSON', 'The request body is not valid JSON');
    case 413:
      return new ApiError('PAYLOAD_TOO_LARGE', 'The request body is too large');
    case 415:
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The request body must be application/json');
    default:
      return new ApiError(error.status >= 500 ? 'INTERNAL' : 'VALIDATION_FAILED', error.message || 'Bad request');
  }
}

/**
 * `app.onError`: known errors answer with their code; anything else is a bug or an outage, logged with
 * the request ID and answered with a generic 500, so no stack trace or internal message reaches a client.
 */
export function errorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (err, c) => {
    let error: ApiError;
    if (err instanceof ApiError) error = err;
    else if (err instanceof HTTPException) error = fromHttpException(err);
    else {
      logger.error({ err, requestId: c.get('requestId'), method: c.req.method, path: c.req.path }, 'unexpected error');
      error = new ApiError('INTERNAL', 'An unexpected error occurred; quote the request ID when reporting it');
    }
    if (error.status >= 500 && error.code !== 'INTERNAL') {
      logger.warn({ code: error.code, requestId: c.get('requestId'), err: error.cause }, error.message);
    }
    for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
    return c.json(errorBody(c, error), error.status);
  };
}

/** No route matched: 405 with `Allow` when the path exists under other methods, else 404. */
export function notFoundHandler(allowedOn: (path: string) => string[]): NotFoundHandler<AppEnv> {
  return (c) => {
    const allowed = allowedOn(c.req.path);
    if (allowed.length > 0) {
      const error = new ApiError('METHOD_NOT_ALLOWED', `${c.req.method} is not allowed on ${c.req.path}`, {
        allowed,
      });
      return c.json(errorBody(c, error), 405, { allow: allowed.join(', ') });
    }
    return c.json(errorBody(c, new ApiError('ROUTE_NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`)), 404);
  };
}
