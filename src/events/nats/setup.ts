// The set-up of the event streams as the `setup` NATS user: the one step that may create, change or delete streams.
import { jetstreamManager } from '@nats-io/jetstream';
import type { Config } from '../../config/env.js';
import { connectToNats } from './connection.js';
import { natsCredentials } from './credentials.js';
import { eventSettingsFromConfig } from './settings.js';
import { ensureEventStreams } from './topology.js';

/**
 * Creates the streams or brings them to their declarations, then disconnects. The main command runs it before its
 * roles start; a deployment runs `npm run events:setup` (compose's `nats-setup` job) before the roles, whose users
 * may only check that the streams exist.
 */
export async function setUpEventStreams(config: Config, connectionName = 'order-saga:setup'): Promise<void> {
  const nc = await connectToNats(config.NATS_URL, connectionName, natsCredentials(config, 'setup'));
  try {
    await ensureEventStreams(await jetstreamManager(nc), eventSettingsFromConfig(config));
  } finally {
    await nc.drain().catch(() => nc.close());
  }
}
