// Opens the NATS connection every event process uses: named, and reconnecting forever.
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';

/** The seed URLs of a `NATS_URL`: one, or several nodes of one cluster separated by commas. */
export function natsServers(url: string): string[] {
  return url
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Connects with unlimited reconnect attempts: a NATS restart must not leave a worker with a closed
 * connection it never reopens. Publishes made while disconnected are bounded by the publisher's timeout,
 * not by the connection, so nothing waits on a reconnect forever. `name` shows in `nats server report connections`.
 * Several seeds (`natsServers`) let the first connection succeed while one node of a cluster is down.
 */
export async function connectToNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: natsServers(url),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: 5_000,
  });
}
