// Readiness probes for NATS: a round trip on an existing connection, or a fresh connection to a URL.
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { natsAuthOptions, natsServers } from '../../events/nats/connection.js';
import type { NatsAuth } from '../../events/nats/connection.js';
import { withTimeout } from '../../lib/readiness.js';
import type { ReadinessProbe } from '../ports/readiness-probe.js';
import { probeTimeoutMs } from './temporal-readiness.js';

/**
 * A PING/PONG on the connection the API uses for its event streams: while the client is reconnecting the
 * PING waits in its buffer, so a server that went away shows up as a timeout rather than a false "up".
 */
export function natsConnectionReadiness(nc: NatsConnection, timeoutMs = probeTimeoutMs): ReadinessProbe {
  return {
    name: 'nats',
    check: async () => {
      if (nc.isClosed()) throw new Error('the NATS connection is closed');
      await withTimeout(nc.flush(), timeoutMs, 'NATS');
    },
  };
}

/** For a process without a long-lived connection: connects to `url`, round-trips once, and disconnects. */
export function natsUrlReadiness(url: string, timeoutMs = probeTimeoutMs, auth: NatsAuth = {}): ReadinessProbe {
  return {
    name: 'nats',
    check: async () => {
      const nc = await connect({
        servers: natsServers(url),
        timeout: timeoutMs,
        reconnect: false,
        name: 'order-saga-api-probe',
        ...natsAuthOptions(auth),
      });
      try {
        await withTimeout(nc.flush(), timeoutMs, 'NATS');
      } finally {
        await nc.close();
      }
    },
  };
}
