// `npm run events:redrive -- [--consumer <name>] [--seq <n>]... [--dry-run]`: republishes dead letters after a fix.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env.js';
import { connectToNats } from '../events/nats/connection.js';
import { redriveDeadLetters } from '../events/nats/redrive.js';
import { durationToMs } from '../events/nats/settings.js';
import { ANALYTICS_CONSUMER } from '../read-models/analytics/projection.js';
import { NOTIFICATIONS_CONSUMER } from '../read-models/notifications/projection.js';
import { ORDER_READ_MODEL_CONSUMER } from '../read-models/orders/projection.js';

/** The durables a dead letter can belong to; anything else would build a wrong subject filter. */
const subscriberConsumers: readonly string[] = [NOTIFICATIONS_CONSUMER, ANALYTICS_CONSUMER, ORDER_READ_MODEL_CONSUMER];

const usage =
  'usage: events:redrive -- [--consumer notifications|analytics|order-read-model] [--seq <dlq seq>]... [--dry-run]';

async function main() {
  const { values } = parseArgs({
    options: {
      consumer: { type: 'string' },
      seq: { type: 'string', multiple: true },
      'dry-run': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (values.consumer !== undefined && !subscriberConsumers.includes(values.consumer)) {
    throw new Error(
      `--consumer must be one of ${subscriberConsumers.join(', ')}; got ${JSON.stringify(values.consumer)}`,
    );
  }
  const sequences = values.seq?.map(Number);
  if (sequences?.some((n) => !Number.isInteger(n) || n < 1))
    throw new Error(`--seq takes DLQ sequence numbers; ${usage}`);
  const config = loadConfig();
  const nc = await connectToNats(config.NATS_URL, 'redrive-dead-letters');
  try {
    const letters = await redriveDeadLetters({
      nc,
      dryRun: values['dry-run'],
      timeoutMs: durationToMs(config.EVENTS_PUBLISH_TIMEOUT),
      ...(values.consumer === undefined ? {} : { consumer: values.consumer }),
      ...(sequences === undefined ? {} : { sequences }),
    });
    for (const l of letters) {
      console.log(
        `${values['dry-run'] ? 'would re-drive' : 're-driven'} #${l.seq} ${l.subject} for ${l.consumer} ` +
          `(${l.reason} after ${l.deliveries} deliveries${l.error ? `: ${l.error}` : ''})`,
      );
    }
    console.log(`${letters.length} dead letter(s) ${values['dry-run'] ? 'found' : 're-driven'}`);
  } finally {
    await nc.drain();
  }
}

main().catch((error: unknown) => {
  console.error(`events:redrive: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
