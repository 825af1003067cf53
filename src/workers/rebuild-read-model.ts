// `npm run read-model:rebuild -- --model analytics|orders`: replays the event log into a fresh generation and switches to it.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env.js';
import { connectToNats } from '../events/nats/connection.js';
import { createLogger } from '../logger.js';
import { analyticsProjection } from '../read-models/analytics/projection.js';
import { openAnalyticsReadModel } from '../read-models/analytics/store.js';
import { readModelLocations } from '../read-models/databases.js';
import { readModelBaseDb } from '../read-models/generation.js';
import { orderProjection } from '../read-models/orders/projection.js';
import { openOrderReadModel } from '../read-models/orders/store.js';
import { rebuildReadModel } from '../read-models/rebuild.js';

const usage = 'usage: read-model:rebuild -- --model analytics|orders';

async function main() {
  const { values } = parseArgs({ options: { model: { type: 'string' }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (values.model !== 'analytics' && values.model !== 'orders') throw new Error(usage);
  const config = loadConfig();
  const logger = createLogger('rebuild-read-model', config.LOG_LEVEL);
  const locations = readModelLocations(config);
  const store =
    values.model === 'analytics'
      ? await openAnalyticsReadModel(locations.analytics).then((s) => ({
          db: readModelBaseDb(s.db),
          close: () => s.close(),
        }))
      : await openOrderReadModel(locations.orders).then((s) => ({
          db: readModelBaseDb(s.db),
          close: () => s.close(),
        }));
  const nc = await connectToNats(config.NATS_URL, 'rebuild-read-model');
  try {
    const result = await rebuildReadModel({
      nc,
      db: store.db,
      model: values.model === 'analytics' ? analyticsProjection : orderProjection,
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

main().catch((error: unknown) => {
  console.error(`read-model:rebuild: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
