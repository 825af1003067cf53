// Opens the NATS connection every event process uses: named, authenticated as its user, and reconnecting forever.
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';

/** The seed URLs of a `NATS_URL`: one, or several nodes of one cluster separated by commas. */
export function natsServers(url: string): string[] {
  return url
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** How a process proves who it is to NATS (src/events/nats/credentials.ts decides which), and whom it trusts. */
export interface NatsAuth {
  user?: string;
  pass?: string;
  /** A PEM file of the certificate authority the server's TLS certificate is checked against. */
  caFile?: string;
}

/**
 * Connects with unlimited reconnect attempts: a NATS restart must not leave a worker with a closed
 * connection it never reopens. Publishes made while disconnected are bounded by the publisher's timeout,
 * not by the connection, so nothing waits on a reconnect forever. `name` shows in `nats server report connections`.
 * Several seeds (`natsServers`) let the first connection succeed while one node of a cluster is down.
 */
export async function connectToNats(url: string, name: string, auth: NatsAuth = {}): Promise<NatsConnection> {
  return connect({
    servers: natsServers(url),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    timeout: 5_000,
    ...natsAuthOptions(auth),
  });
}

/** The client options for `auth`, shared with the readiness probe's short-lived connections. */
export function natsAuthOptions(auth: NatsAuth): { user?: string; pass?: string; tls?: { caFile: string } } {
  return {
    ...(auth.user === undefined ? {} : { user: auth.user, pass: auth.pass ?? '' }),
    ...(auth.caFile === undefined ? {} : { tls: { caFile: auth.caFile } }),
  };
}
