// The process entry point for deployments: `npm start -- --role payments[,inventory...]` runs those roles here, with
// the process's ops server (GET /healthz, GET /readyz, GET /metrics) on METRICS_PORT, registered for Prometheus under
// DATA_DIR/prometheus/targets/.
import { z } from 'zod';
import { FlagError, parseFlags, runCommand, type CommandInfo } from '../cli/args.js';
import { loadConfig } from '../config/env.js';
import type { Probe } from '../lib/readiness.js';
import { createLogger } from '../logger.js';
import { startTracing } from '../tracing/tracing.js';
import { prepareProcessMetrics } from '../metrics/process-metrics.js';
import { writeTargetsFile } from '../metrics/targets-file.js';
import { startOpsServer } from './ops-server.js';
import { createRoleContext } from './role-context.js';
import { roleNames, type RoleName, type RunningRole } from './role.js';
import { startRoles, stopRoles } from './run-roles.js';
import { exitOnSignals } from './shutdown.js';
import { installTemporalRuntime } from './temporal-runtime.js';

const command = {
  name: 'order-saga',
  usage: `npm start -- --role <${roleNames.join('|')}|all>[,<role>...]`,
  summary: 'Runs the given roles in this process until SIGTERM or SIGINT (docs/scaling.md).',
  flags: {
    role: { type: 'string', multiple: true, value: 'a role name', help: 'a role to run, or several comma-separated' },
  },
} satisfies CommandInfo;

const flagsSchema = z.object({ role: z.array(z.string()).optional() });

function parseRoles(argv: string[]): RoleName[] {
  const { role } = parseFlags(argv, command.flags, flagsSchema);
  const requested = (role ?? [])
    .flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  if (requested.length === 0) {
    throw new FlagError('--role', `--role: is required: one or more of ${roleNames.join(', ')} (or "all")`);
  }
  if (requested.includes('all')) return [...roleNames];
  const unknown = requested.filter((r) => !(roleNames as readonly string[]).includes(r));
  if (unknown.length > 0) {
    throw new FlagError('--role', `--role: unknown role ${unknown.join(', ')}; known: ${roleNames.join(', ')}`);
  }
  return requested as RoleName[];
}

/** One probe per name: the process's NATS connection and the API's probe of the same connection are one check. */
function distinct(probes: readonly Probe[]): Probe[] {
  const byName = new Map<string, Probe>();
  for (const probe of probes) if (!byName.has(probe.name)) byName.set(probe.name, probe);
  return [...byName.values()];
}

async function main(argv: string[]): Promise<void> {
  const roles = parseRoles(argv);
  const config = loadConfig();
  const logger = createLogger(roles.join('+'), config.LOG_LEVEL);
  const tracing = startTracing({
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: `order-saga-${roles.join('+')}`,
    logger,
  });
  const ctx = createRoleContext(config, logger, `order-saga:${roles.join('+')}`);
  const running: RunningRole[] = [];
  let state: 'starting' | 'running' | 'stopping' = 'starting';
  const metrics = await prepareProcessMetrics();
  installTemporalRuntime(logger, metrics.sdk);
  // First, so a supervisor sees the process live (and not ready) while its roles start.
  const ops = await startOpsServer({
    host: config.METRICS_HOST,
    port: config.METRICS_PORT,
    logger,
    probes: () =>
      state === 'running' ? distinct([...ctx.probes(), ...running.flatMap((r) => r.probes ?? [])]) : state,
    metrics: metrics.page,
  });
  const targets = writeTargetsFile(config.DATA_DIR, { host: config.METRICS_HOST, port: ops.port, roles });
  exitOnSignals(logger, async () => {
    state = 'stopping';
    await stopRoles(running);
    await ctx.close();
    targets.remove();
    await ops.close();
    await tracing.shutdown();
  });
  running.push(...(await startRoles(ctx, roles)));
  if (state === 'starting') state = 'running';
  logger.info({ roles, opsPort: ops.port, metrics: `${ops.url}/metrics`, targetsFile: targets.path }, 'running');
}

runCommand(command, main);
