// `npm run read-model:rebuild -- --model analytics|orders`: replays the event log into a fresh generation and switches to it.
import { z } from 'zod';
import { loadConfig } from '../config/env.js';
import { connectToNats } from '../events/nats/connection.js';
import { natsCredentials } from '../events/nats/credentials.js';
import { createLogger } from '../logger.js';
import { analyticsProjection } from '../read-models/analytics/projection.js';
import { openAnalyticsReadModel } from '../read-models/analytics/store.js';
import { readModelLocations } from '../read-models/databases.js';
import { readModelBaseDb } from '../read-models/generation.js';
import type { ReadModelBaseTables } from '../read-models/generation.js';
import type { Kysely } from 'kysely';
import { orderProjection } from '../read-models/orders/projection.js';
import { openOrderReadModel } from '../read-models/orders/store.js';
import { rebuildReadModel } from '../read-models/rebuild.js';
import { parseFlags, runCommand, type CommandInfo } from './args.js';

const models = ['analytics', 'orders'] as const;

const command = {
  name: 'read-model:rebuild',
  usage: 'npm run read-model:rebuild -- --model analytics|orders',
  summary: 'Replays the event log into a fresh generation of a read model, then makes that generation the live one.',
  flags: {
    model: { type: 'string', value: 'a read model (analytics or orders)', help: 'the read model to rebuild' },
  },
} satisfies CommandInfo;

const flagsSchema = z.object({
  model: z.enum(models, {
    error: (issue) =>
      issue.input === undefined ? 'is required (analytics or orders)' : `must be one of ${models.join(', ')}`,
  }),
});

/** A model's store narrowed to what the rebuild writes: the shared read-model tables. */
const baseOf = <DB extends ReadModelBaseTables>(s: { db: Kysely<DB>; close(): Promise<void> }) => ({
  db: readModelBaseDb(s.db),
  close: () => s.close(),
});

async function main(argv: string[]): Promise<void> {
  const { model } = parseFlags(argv, command.flags, flagsSchema);
  const config = loadConfig();
  const logger = createLogger('rebuild-read-model', config.LOG_LEVEL);
  const locations = readModelLocations(config);
  const rebuildable = {
    analytics: {
      open: () => openAnalyticsReadModel(locations.analytics).then(baseOf),
      projection: analyticsProjection,
    },
    orders: { open: () => openOrderReadModel(locations.orders).then(baseOf), projection: orderProjection },
  }[model];
  const store = await rebuildable.open();
  const nc = await connectToNats(config.NATS_URL, 'rebuild-read-model', natsCredentials(config, 'operator'));
  try {
    const result = await rebuildReadModel({
      nc,
      db: store.db,
      model: rebuildable.projection,
      logger,
    });
    console.log(
      `${result.model}: generation ${result.generation} is live (was ${result.previous}); ` +
        `${result.replayed} messages replayed up to #${result.lastSeq}, ${result.applied} applied, ${result.skipped} skipped`,
    );
  } finally {
    await nc.drain();
    await store.close();
  }
}

runCommand(command, main);
