// What every process role (API, workers, subscribers) looks like to the entry points that run it.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Config } from '../config/env.js';
import type { EventPublisher } from '../events/publisher.js';
import type { Probe } from '../lib/readiness.js';
import type { Logger } from '../logger.js';
import type { Exclusive } from '../read-models/generation.js';

export const roleNames = [
  'orders',
  'payments',
  'inventory',
  'shipping',
  'notifications',
  'analytics',
  'order-read-model',
  'api',
] as const;
export type RoleName = (typeof roleNames)[number];

/** Shared by the roles of one process, so several roles in one process share one NATS connection. */
export interface RoleContext {
  config: Config;
  logger: Logger;
  /** The process's one NATS connection, opened on first use with the event streams ensured. */
  nats: () => Promise<NatsConnection>;
  /** The JetStream event publisher over that connection, for the outbox relays; rejects while NATS is unreachable. */
  publisher: () => Promise<EventPublisher>;
  /** The turns the process's read models take writing their databases (see `ReadModelServiceOptions.exclusive`). */
  exclusive: Exclusive;
}

/** A started role; `stop` stops taking new work, lets in-flight work finish, and closes connections. */
export interface RunningRole {
  name: RoleName;
  /** What the role needs in order to work, checked by the process's `GET /readyz` (src/workers/ops-server.ts). */
  probes?: readonly Probe[];
  stop(): Promise<void>;
}

export type RoleStarter = (ctx: RoleContext) => Promise<RunningRole>;
