// The resources the roles of one process share: one NATS connection (streams ensured once), one event publisher (for
// the outbox relays), and the turns its read models take.
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsConnectionReadiness } from '../api/adapters/nats-readiness.js';
import type { Config } from '../config/env.js';
import { connectToNats } from '../events/nats/connection.js';
import { JetStreamEventPublisher } from '../events/nats/jetstream-publisher.js';
import { eventSettingsFromConfig } from '../events/nats/settings.js';
import { ensureEventStreams } from '../events/nats/topology.js';
import type { EventPublisher } from '../events/publisher.js';
import type { Probe } from '../lib/readiness.js';
import type { Logger } from '../logger.js';
import { oneAtATime } from '../read-models/generation.js';
import type { RoleContext } from './role.js';

export interface ProcessContext extends RoleContext {
  /** The process's own dependencies for its /readyz: NATS, once a role has asked for the connection. */
  probes(): Probe[];
  /** Drains the NATS connection, if one was opened; call after every role has stopped. */
  close(): Promise<void>;
}

/**
 * Connections are opened lazily, on first use. A first connection that fails (NATS down while the process starts) is
 * forgotten, so the next caller tries again: the outbox relays ask for the publisher on every round until it answers,
 * and the workers beside them start and take effect meanwhile. Once open, the connection reconnects by itself.
 */
export function createRoleContext(config: Config, logger: Logger, connectionName = 'order-saga'): ProcessContext {
  let connection: Promise<NatsConnection> | undefined;
  let opened: NatsConnection | undefined;
  let publisher: Promise<EventPublisher> | undefined;
  const settings = eventSettingsFromConfig(config);

  const nats = () =>
    (connection ??= (async () => {
      const nc = await connectToNats(config.NATS_URL, connectionName);
      try {
        await ensureEventStreams(await jetstreamManager(nc), settings);
      } catch (error) {
        await nc.close().catch(() => undefined);
        throw error;
      }
      opened = nc;
      return nc;
    })().catch((error: unknown) => {
      connection = undefined;
      throw error;
    }));

  return {
    config,
    logger,
    nats,
    publisher: () =>
      (publisher ??= nats().then(
        (nc) => new JetStreamEventPublisher(nc, { timeoutMs: settings.publishTimeoutMs }),
        (error: unknown) => {
          publisher = undefined;
          throw error;
        },
      )),
    exclusive: oneAtATime(),
    probes: () => (opened ? [natsConnectionReadiness(opened)] : []),
    close: async () => {
      // A connection that never opened, or lost its server, has nothing left to drain.
      if (connection)
        await connection.then(
          (nc) => nc.drain().catch(() => nc.close()),
          () => undefined,
        );
    },
  };
}
