// Every Prometheus series of our own (docs/observability.md says what each means), on prom-client's registry.
import { Counter, Gauge, Histogram, register } from 'prom-client';
import { sampledGauge } from './sampled-gauge.js';

/** Seconds: an API call, a saga step, a whole order (up to a day when it waits for approval). */
const requestBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const stepBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const orderBuckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86_400];

/** The API: one count per request, by the route's pattern (`/orders/:orderId`, never the raw path) and status. */
export const apiRequests = new Counter({
  name: 'order_saga_api_requests_total',
  help: 'HTTP requests the API answered, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
});

export const apiRequestDuration = new Histogram({
  name: 'order_saga_api_request_duration_seconds',
  help: 'How long the API took to answer, by method, route pattern and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: requestBuckets,
});

export const openEventStreams = new Gauge({
  name: 'order_saga_api_event_streams_open',
  help: 'Server-sent event streams (GET /orders/:orderId/events) this API process holds open.',
});

/** The orders role: counted when the fact is first recorded, so a retried activity does not count twice. */
export const ordersStarted = new Counter({
  name: 'order_saga_orders_started_total',
  help: 'Orders whose saga started (OrderCreated recorded).',
});

export const ordersEnded = new Counter({
  name: 'order_saga_orders_ended_total',
  help: 'Orders that reached an end (completed, failed, cancelled) or were parked (COMPENSATION_FAILED), by status and failure type.',
  labelNames: ['status', 'failure_type'] as const,
});

export const orderDuration = new Histogram({
  name: 'order_saga_order_duration_seconds',
  help: 'From OrderCreated to the order’s end, by the status it ended in.',
  labelNames: ['status'] as const,
  buckets: orderBuckets,
});

/** Every worker role: each activity attempt, timed where it runs (the workflow itself measures nothing). */
export const stepDuration = new Histogram({
  name: 'order_saga_saga_step_duration_seconds',
  help: 'One attempt of a saga step or compensation (an activity), by step and outcome (ok, error).',
  labelNames: ['step', 'outcome'] as const,
  buckets: stepBuckets,
});

export const compensations = new Counter({
  name: 'order_saga_compensations_total',
  help: 'Compensation attempts (refundPayment, releaseInventory, cancelShipment), by compensation and outcome (ok, failed).',
  labelNames: ['compensation', 'outcome'] as const,
});

export const ordersParked = sampledGauge({
  name: 'order_saga_orders_parked',
  help: 'Orders parked in COMPENSATION_FAILED (a compensation gave up), waiting for an operator; read at each scrape.',
  labelNames: [],
});

/** Every worker role that owns an outbox: read from its table at each scrape. */
export const outboxPending = sampledGauge({
  name: 'order_saga_outbox_pending',
  help: 'Events written with their effect and not yet published by the relay, by service.',
  labelNames: ['service'],
});

export const outboxOldestAge = sampledGauge({
  name: 'order_saga_outbox_oldest_age_seconds',
  help: 'Age of the oldest unpublished outbox event, by service (0 when none waits).',
  labelNames: ['service'],
});

/** Every subscriber role: from its durable's JetStream consumer info and its own database at each scrape. */
export const consumerPending = sampledGauge({
  name: 'order_saga_consumer_pending',
  help: 'Events in the stream the durable consumer has not yet delivered, by consumer.',
  labelNames: ['consumer'],
});

export const consumerAckPending = sampledGauge({
  name: 'order_saga_consumer_ack_pending',
  help: 'Events delivered to the consumer and not yet acknowledged, by consumer.',
  labelNames: ['consumer'],
});

export const consumerRedelivered = sampledGauge({
  name: 'order_saga_consumer_redelivered',
  help: 'Events delivered more than once and not yet acknowledged, by consumer.',
  labelNames: ['consumer'],
});

export const deadLetters = sampledGauge({
  name: 'order_saga_dead_letters',
  help: 'Dead letters waiting in the ORDERS_DLQ stream for a re-drive, by the consumer that gave up on them.',
  labelNames: ['consumer'],
});

export const inboxSize = sampledGauge({
  name: 'order_saga_inbox_events',
  help: 'Rows in the subscriber’s inbox (events it handled, kept for duplicate detection until pruned), by consumer.',
  labelNames: ['consumer'],
});

/** The registry the ops server's /metrics reads; process metrics (CPU, memory, event loop) are prom-client's own. */
export const metricsRegistry = register;
