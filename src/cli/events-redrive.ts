// `npm run events:redrive -- [--consumer <name>] [--seq <n>]... [--dry-run]`: republishes dead letters after a fix.
import { z } from 'zod';
import { loadConfig } from '../config/env.js';
import { connectToNats } from '../events/nats/connection.js';
import { natsCredentials } from '../events/nats/credentials.js';
import { redriveDeadLetters } from '../events/nats/redrive.js';
import { durationToMs } from '../events/nats/settings.js';
import { NOTIFICATIONS_CONSUMER } from '../read-models/notifications/projection.js';
import { ANALYTICS_CONSUMER } from '../read-models/analytics/projection.js';
import { ORDER_READ_MODEL_CONSUMER } from '../read-models/orders/projection.js';
import { numberFlag, parseFlags, runCommand, type CommandInfo } from './args.js';

/** The durables a dead letter can belong to; anything else would build a wrong subject filter. */
const subscriberConsumers = [NOTIFICATIONS_CONSUMER, ANALYTICS_CONSUMER, ORDER_READ_MODEL_CONSUMER] as const;

const command = {
  name: 'events:redrive',
  usage: `npm run events:redrive -- [--consumer ${subscriberConsumers.join('|')}] [--seq <dlq seq>]... [--dry-run]`,
  summary:
    'Republishes dead letters (all, one consumer’s, or the given DLQ sequence numbers) once their cause is fixed.',
  flags: {
    consumer: { type: 'string', value: 'a consumer name', help: 'only the dead letters of this consumer' },
    seq: { type: 'string', multiple: true, value: 'a DLQ sequence number', help: 'only this dead letter' },
    'dry-run': { type: 'boolean', help: 'lists what would be re-driven, republishes nothing' },
  },
} satisfies CommandInfo;

const flagsSchema = z.object({
  consumer: z.enum(subscriberConsumers, { error: `must be one of ${subscriberConsumers.join(', ')}` }).optional(),
  seq: z
    .array(numberFlag('a DLQ sequence number (a whole number from 1)', (n) => Number.isInteger(n) && n >= 1))
    .optional(),
  'dry-run': z.boolean().default(false),
});

async function main(argv: string[]): Promise<void> {
  const { consumer, seq: sequences, 'dry-run': dryRun } = parseFlags(argv, command.flags, flagsSchema);
  const config = loadConfig();
  const nc = await connectToNats(config.NATS_URL, 'redrive-dead-letters', natsCredentials(config, 'operator'));
  try {
    const letters = await redriveDeadLetters({
      nc,
      dryRun,
      timeoutMs: durationToMs(config.EVENTS_PUBLISH_TIMEOUT),
      ...(consumer === undefined ? {} : { consumer }),
      ...(sequences === undefined ? {} : { sequences }),
    });
    for (const l of letters) {
      console.log(
        `${dryRun ? 'would re-drive' : 're-driven'} #${l.seq} ${l.subject} for ${l.consumer} ` +
          `(${l.reason} after ${l.deliveries} deliveries${l.error ? `: ${l.error}` : ''})`,
      );
    }
    console.log(`${letters.length} dead letter(s) ${dryRun ? 'found' : 're-driven'}`);
  } finally {
    await nc.drain();
  }
}

runCommand(command, main);
