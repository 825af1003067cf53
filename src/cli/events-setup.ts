// `npm run events:setup`: creates the event streams, or brings them to their declarations, as the NATS user `setup`.
import { z } from 'zod';
import { loadConfig } from '../config/env.js';
import { setUpEventStreams } from '../events/nats/setup.js';
import { eventStreams } from '../events/nats/topology.js';
import { parseFlags, runCommand, type CommandInfo } from './args.js';

const command = {
  name: 'events:setup',
  usage: 'npm run events:setup',
  summary:
    `Creates the streams (${eventStreams.join(', ')}) or updates them to their declarations; run it before the ` +
    'roles, whose NATS users may not (docs/security.md).',
  flags: {},
} satisfies CommandInfo;

async function main(argv: string[]): Promise<void> {
  parseFlags(argv, command.flags, z.object({}));
  const config = loadConfig();
  await setUpEventStreams(config);
  console.log(`streams ready: ${eventStreams.join(', ')}`);
}

runCommand(command, main);
