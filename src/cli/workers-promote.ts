// `npm run workers:promote -- [--build-id <id>]`: makes an orders worker version the Worker Deployment's current one, so new orders start on it.
import { z } from 'zod';
import { loadConfig } from '../config/env.js';
import { workflowBundleCode } from '../workers/roles/orders.js';
import { promoteVersion, workflowBuildId } from '../workers/worker-versioning.js';
import { parseFlags, positiveInteger, runCommand, type CommandInfo } from './args.js';

const command = {
  name: 'workers:promote',
  usage: 'npm run workers:promote -- [--build-id <id>] [--wait <seconds>]',
  summary:
    'Makes a version of the orders workers current in their Worker Deployment (WORKER_DEPLOYMENT_NAME): new orders ' +
    'start on it, orders pinned to older versions finish there. Without --build-id, the version of this code ' +
    '(WORKFLOW_BUNDLE, or the workflow source bundled now). `temporal worker deployment set-current-version` does ' +
    'the same.',
  flags: {
    'build-id': { type: 'string', value: 'a build id', help: 'the version to promote (default: this code’s)' },
    wait: { type: 'string', value: 'seconds', help: 'how long to wait for its workers to poll (default 60)' },
  },
} satisfies CommandInfo;

const flagsSchema = z.object({
  'build-id': z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be letters, digits, - and _ (as `temporal worker deployment list` shows)')
    .optional(),
  wait: positiveInteger(3600).default(60),
});

async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, command.flags, flagsSchema);
  const config = loadConfig();
  const buildId = flags['build-id'] ?? workflowBuildId(await workflowBundleCode(config));
  const version = { deploymentName: config.WORKER_DEPLOYMENT_NAME, buildId };
  await promoteVersion(config.TEMPORAL_ADDRESS, version, {
    namespace: config.TEMPORAL_NAMESPACE,
    waitMs: flags.wait * 1000,
    identity: 'order-saga:workers-promote',
  });
  console.log(`${version.deploymentName}.${buildId} is the current version: new orders start on it`);
}

runCommand(command, main);
