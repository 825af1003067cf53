// The resources the roles of one process share: a NATS connection per NATS user (one in a deployment, one per role in
// the main command), an event publisher over each (for the outbox relays), and the turns its read models take.
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsConnectionReadiness } from '../api/adapters/nats-readiness.js';
import type { Config } from '../config/env.js';
import { connectToNats } from '../events/nats/connection.js';
import type { NatsAuth } from '../events/nats/connection.js';
import { natsCredentials } from '../events/nats/credentials.js';
import { JetStreamEventPublisher } from '../events/nats/jetstream-publisher.js';
import { eventSettingsFromConfig } from '../events/nats/settings.js';
import { ensureEventStreams, requireEventStreams } from '../events/nats/topology.js';
import type { EventPublisher } from '../events/publisher.js';
import type { Probe } from '../lib/readiness.js';
import type { Logger } from '../logger.js';
import { oneAtATime } from '../read-models/generation.js';
import type { RoleContext, RoleName } from './role.js';

export interface ProcessContext {
  /** The context a role starts with: its NATS connection is its own user's (`natsCredentials`). */
  forRole(role: RoleName): RoleContext;
  /** The process's own dependencies for its /readyz: each NATS connection a role has asked for. */
  probes(): Probe[];
  /** Drains every NATS connection that was opened; call after every role has stopped. */
  close(): Promise<void>;
}

interface Connection {
  nats: () => Promise<NatsConnection>;
  publisher: () => Promise<EventPublisher>;
  opened(): NatsConnection | undefined;
  close(): Promise<void>;
}

/**
 * Connections are opened lazily, on first use. A first connection that fails (NATS down while the process starts) is
 * forgotten, so the next caller tries again: the outbox relays ask for the publisher on every round until it answers,
 * and the workers beside them start and take effect meanwhile. Once open, the connection reconnects by itself.
 * Roles that connect as the same user (every role of a deployment process, which has one `NATS_USER`) share one.
 *
 * Streams: a connection without a user (a server that asks none) or as `setup` creates or updates them, as every
 * process did before NATS had users; any other user may not, and checks that they exist instead.
 */
export function createRoleContext(config: Config, logger: Logger, connectionName = 'order-saga'): ProcessContext {
  const settings = eventSettingsFromConfig(config);
  const connections = new Map<string, Connection>();
  const exclusive = oneAtATime();

  const open = (auth: NatsAuth): Connection => {
    let connection: Promise<NatsConnection> | undefined;
    let opened: NatsConnection | undefined;
    let publisher: Promise<EventPublisher> | undefined;
    const name = auth.user === undefined ? connectionName : `${connectionName}:${auth.user}`;
    const nats = () =>
      (connection ??= (async () => {
        const nc = await connectToNats(config.NATS_URL, name, auth);
        try {
          const jsm = await jetstreamManager(nc);
          if (auth.user === undefined || auth.user === 'setup') await ensureEventStreams(jsm, settings);
          else await requireEventStreams(jsm);
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
      nats,
      publisher: () =>
        (publisher ??= nats().then(
          (nc) => new JetStreamEventPublisher(nc, { timeoutMs: settings.publishTimeoutMs }),
          (error: unknown) => {
            publisher = undefined;
            throw error;
          },
        )),
      opened: () => opened,
      close: async () => {
        // A connection that never opened, or lost its server, has nothing left to drain.
        if (connection)
          await connection.then(
            (nc) => nc.drain().catch(() => nc.close()),
            () => undefined,
          );
      },
    };
  };

  return {
    forRole(role) {
      const auth = natsCredentials(config, role);
      const key = auth.user ?? '';
      let connection = connections.get(key);
      if (!connection) connections.set(key, (connection = open(auth)));
      const { nats, publisher } = connection;
      return { config, logger, nats, publisher, exclusive };
    },
    probes: () =>
      [...connections.entries()].flatMap(([user, c]) => {
        const nc = c.opened();
        if (!nc) return [];
        const probe = natsConnectionReadiness(nc);
        // One connection (a deployment's) keeps the probe's plain name; several are told apart by user.
        return [connections.size === 1 ? probe : { ...probe, name: `nats:${user}` }];
      }),
    close: async () => {
      await Promise.all([...connections.values()].map((c) => c.close()));
    },
  };
}
