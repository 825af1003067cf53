// The process entry point for deployments: `npm start -- --role payments[,inventory...]` runs those roles here.
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/env.js';
import { createLogger } from '../logger.js';
import { createRoleContext } from './role-context.js';
import { roleNames, type RoleName, type RunningRole } from './role.js';
import { startRoles, stopRoles } from './run-roles.js';
import { exitOnSignals } from './shutdown.js';
import { installTemporalRuntime } from './temporal-runtime.js';

function parseRoles(argv: string[]): RoleName[] {
  const { values } = parseArgs({ args: argv, options: { role: { type: 'string', multiple: true } }, strict: true });
  const requested = (values.role ?? [])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  if (requested.length === 0) throw new Error(`--role is required: one or more of ${roleNames.join(', ')} (or "all")`);
  if (requested.includes('all')) return [...roleNames];
  const unknown = requested.filter((r) => !(roleNames as readonly string[]).includes(r));
  if (unknown.length > 0) throw new Error(`--role: unknown role ${unknown.join(', ')}; known: ${roleNames.join(', ')}`);
  return requested as RoleName[];
}

async function main() {
  const roles = parseRoles(process.argv.slice(2));
  const config = loadConfig();
  const logger = createLogger(roles.join('+'), config.LOG_LEVEL);
  const ctx = createRoleContext(config, logger, `order-saga:${roles.join('+')}`);
  const running: RunningRole[] = [];
  installTemporalRuntime(logger);
  exitOnSignals(logger, async () => {
    await stopRoles(running);
    await ctx.close();
  });
  running.push(...(await startRoles(ctx, roles)));
  logger.info({ roles }, 'running');
}

main().catch((error: unknown) => {
  console.error(`order-saga: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
