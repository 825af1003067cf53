// Builds the order HTTP API (routes, validation, errors, OpenAPI document) without listening, so tests call app.request().
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { allowedMethods } from './allowed-methods.js';
import type { AppEnv } from './app-env.js';
import type { AppDeps } from './deps.js';
import { errorHandler, notFoundHandler, validationHook } from './errors.js';
import { accessLog } from './middleware/access-log.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { requestTracing } from './middleware/request-tracing.js';
import { processTracing } from '../tracing/tracing.js';
import { operatorCookie } from './auth/operator-cookie.js';
import { bearerHeader } from './auth/credentials.js';
import { authenticate } from './middleware/authenticate.js';
import { writeRateLimit } from './middleware/write-rate-limit.js';
import { StreamSlots } from './orders/stream-slots.js';
import { bodyLimit } from './middleware/body-limit.js';
import { drainUnreadBody } from './middleware/drain-unread-body.js';
import { OrderWorkflows } from './orders/order-workflows.js';
import { analyticsRoutes } from './routes/analytics.js';
import { codecCors, codecRoutes } from './routes/codec.js';
import { consoleRoutes } from './routes/console.js';
import { consoleErrorPages } from './console/console-errors.js';
import { customerRoutes } from './routes/customers.js';
import { asyncApiRoutes } from './routes/asyncapi.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { jwksRoutes } from './routes/jwks.js';
import { orderActionRoutes } from './routes/order-actions.js';
import { orderEventRoutes } from './routes/order-events.js';
import { orderRoutes } from './routes/orders.js';
import { productRoutes } from './routes/products.js';
import { signInRoutes } from './routes/sign-in.js';
import { bearerScheme, bearerSchemeObject } from './schemas/security.js';

/**
 * Hono hands only `Error` instances to `onError` and rethrows anything else (a library throwing a plain
 * object, a string) past it, to become the server's bare 500. Wrapping such throwables keeps them on the
 * one error path, so they too answer with the error body and get logged.
 */
const onlyErrorsThrown: MiddlewareHandler<AppEnv> = async (_c, next) => {
  try {
    await next();
  } catch (thrown) {
    if (thrown instanceof Error) throw thrown;
    throw new Error(`non-Error thrown: ${typeof thrown}`, { cause: thrown });
  }
};

const documentInfo = {
  openapi: '3.0.3',
  info: {
    title: 'order-saga API',
    version: '1.0.0',
    description:
      'Places and follows e-commerce orders. Each order is one Temporal workflow running a saga across payment, ' +
      'inventory and shipping. Amounts are integers in minor units with an ISO 4217 currency.',
  },
};

/**
 * How much of a refused body is read off the connection to keep it alive: a body a little over the limit (a
 * client's mistake) costs little to read; a huge one closes the connection instead.
 */
function unreadBodyDrain(bodyLimitBytes: number) {
  return { maxBytes: Math.max(1_048_576, 16 * bodyLimitBytes), maxMs: 1_000 };
}

/**
 * The whole API as a Hono app. Middleware order matters: draining an unread body wraps everything, so that an
 * answer sent before the body was read (413, 415, 401...) leaves the connection usable; the request ID comes
 * next so that every answer, errors from later middleware included, carries it; authentication comes before
 * anything reads the body or reaches a dependency (an anonymous request is a 401 whatever it sends), then the
 * per-principal write limit, then the body limit, before any route reads the body. Each protected route checks its
 * scope itself (src/api/schemas/security.ts).
 * Incoming `X-Request-Id` values are kept when they are short and plain (letters, digits, `_-=`, at most
 * 128), so a caller's trace ID flows through; anything else is replaced by a fresh UUID.
 */
export function createApp(deps: AppDeps) {
  const workflows = new OrderWorkflows({
    client: deps.temporal,
    taskQueue: deps.taskQueue,
    settings: {
      approvalThreshold: deps.config.APPROVAL_THRESHOLD,
      approvalTimeout: deps.config.APPROVAL_TIMEOUT,
      compensationEscalateAfter: deps.config.COMPENSATION_ESCALATE_AFTER,
      compensationReminderInterval: deps.config.COMPENSATION_REMINDER_INTERVAL,
      // Only when set: a run without them keeps the workflow's defaults.
      ...(deps.config.STEP_DEADLINE === undefined ? {} : { stepDeadline: deps.config.STEP_DEADLINE }),
      ...(deps.config.STEP_ATTEMPT_TIMEOUT === undefined ? {} : { attemptTimeout: deps.config.STEP_ATTEMPT_TIMEOUT }),
    },
    updateTimeoutMs: deps.config.API_UPDATE_TIMEOUT_MS,
    queryTimeoutMs: deps.config.API_QUERY_TIMEOUT_MS,
    knownOrder: async (orderId) => (await deps.orders.getOrder(orderId)) !== undefined,
  });

  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use(drainUnreadBody(unreadBodyDrain(deps.config.API_BODY_LIMIT)));
  app.use(requestId({ limitLength: 128 }));
  if (processTracing().enabled) app.use(...requestTracing());
  app.use(onlyErrorsThrown);
  app.use(secureHeaders());
  app.use(accessLog(deps.logger));
  app.use(requestMetrics());
  // The Web UI's preflight carries no credentials: answered before authentication, for its origin only.
  app.use('/codec/*', codecCors(deps.config));
  // Before authentication, so a browser that is not signed in gets a page that leads to the sign-in, not JSON.
  app.use(consoleErrorPages());
  const { authenticator } = deps.auth;
  app.use(authenticate(authenticator, authenticator.withSources([bearerHeader, operatorCookie])));
  app.use(writeRateLimit({ ratePerSecond: deps.config.API_WRITE_RATE, burst: deps.config.API_WRITE_BURST }));
  app.use(bodyLimit(deps.config.API_BODY_LIMIT));
  app.onError(errorHandler(deps.logger));

  app.route('/', healthRoutes(deps));
  app.route('/', orderRoutes(deps, workflows));
  app.route('/', orderActionRoutes(deps, workflows));
  const streams = new StreamSlots(deps.config.API_STREAMS_PER_PRINCIPAL, deps.config.API_STREAMS_TOTAL);
  app.route('/', orderEventRoutes(deps, workflows, streams));
  app.route('/', productRoutes(deps));
  app.route('/', customerRoutes(deps));
  app.route('/', analyticsRoutes(deps));
  if (deps.auth.localKeys) app.route('/', jwksRoutes(deps.auth.localKeys));
  // Not in the OpenAPI document: Temporal's codec protocol, and pages for people (the sign-in, the console).
  app.route('/', codecRoutes(deps));
  app.route('/', signInRoutes(deps));
  app.route('/', consoleRoutes(deps, workflows));
  app.openAPIRegistry.registerComponent('securitySchemes', bearerScheme, bearerSchemeObject);

  const document = () => app.getOpenAPIDocument(documentInfo);
  app.get('/openapi.json', (c) => c.json(document()));
  app.route('/', docsRoutes(document));
  app.route('/', asyncApiRoutes());
  // Last, so the table of allowed methods holds every route.
  app.notFound(notFoundHandler(allowedMethods(app.routes)));
  return app;
}

export type App = ReturnType<typeof createApp>;
