// `npm run codec:rotate-key`: adds a payload key to DATA_DIR/codec/keys.json that encrypts from the next start on.
import { z } from 'zod';
import { localPayloadKeysDir } from '../codec/data-converter.js';
import { LocalPayloadKeys } from '../codec/local-payload-keys.js';
import { loadConfig } from '../config/env.js';
import { parseFlags, runCommand, type CommandInfo } from './args.js';

const command = {
  name: 'codec:rotate-key',
  usage: 'npm run codec:rotate-key',
  summary:
    'Adds a new AES-256 key to the data folder’s payload keys and makes it the one that encrypts; every earlier key ' +
    'stays, to decrypt what it wrote. Restart every process on the folder (npm run dev) to use it.',
  flags: {},
} satisfies CommandInfo;

async function main(argv: string[]): Promise<number> {
  parseFlags(argv, command.flags, z.object({}));
  const config = loadConfig();
  if (config.PAYLOAD_CODEC_KEYS !== undefined) {
    console.error(
      `${command.name}: PAYLOAD_CODEC_KEYS is set, so the keys come from the environment: add the new key there ` +
        'and point PAYLOAD_CODEC_ACTIVE_KEY at it (docs/security.md)',
    );
    return 1;
  }
  const keys = await LocalPayloadKeys.open(localPayloadKeysDir(config));
  const rotation = await keys.rotate();
  console.error(
    `${command.name}: key ${rotation.active} encrypts once the processes restart; kept to decrypt: ` +
      `${rotation.kept.join(', ')} (${keys.file})`,
  );
  return 0;
}

runCommand(command, main);
