// Readiness probes for NATS: a round trip on an existing connection, or a fresh connection to a URL.
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import type { ReadinessProbe } from '../ports/readiness-probe.js';
import { probeTimeoutMs } from './temporal-readiness.js';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

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
export function natsUrlReadiness(url: string, timeoutMs = probeTimeoutMs): ReadinessProbe {
  return {
    name: 'nats',
    check: async () => {
      const nc = await connect({ servers: url, timeout: timeoutMs, reconnect: false, name: 'order-saga-api-probe' });
      try {
        await withTimeout(nc.flush(), timeoutMs, 'NATS');
      } finally {
        await nc.close();
      }
    },
  };
}
