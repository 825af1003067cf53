// One call for a producing process: connect to NATS, apply the stream topology, and return the JetStream publisher.
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { connectToNats } from './connection.js';
import { JetStreamEventPublisher } from './jetstream-publisher.js';
import type { EventSettings } from './settings.js';
import { ensureEventStreams } from './topology.js';

export interface ConnectedEventPublisher {
  publisher: JetStreamEventPublisher;
  nc: NatsConnection;
  /** Flushes what is in flight and closes the connection. */
  close(): Promise<void>;
}

/**
 * For the workers that publish (orders, payments, inventory, shipping): the streams are ensured first, so the
 * first publish does not fail only because no process had created `ORDERS` yet.
 */
export async function connectEventPublisher(options: {
  url: string;
  name: string;
  settings: EventSettings;
}): Promise<ConnectedEventPublisher> {
  const nc = await connectToNats(options.url, options.name);
  try {
    await ensureEventStreams(await jetstreamManager(nc), options.settings);
  } catch (error) {
    await nc.close();
    throw error;
  }
  return {
    publisher: new JetStreamEventPublisher(nc, { timeoutMs: options.settings.publishTimeoutMs }),
    nc,
    close: () => nc.drain(),
  };
}
