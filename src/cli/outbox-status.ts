// `npm run outbox:status -- [--service <name>]... [--pending]`: each service's outbox backlog (events waiting for its relay), from its store.
import { z } from 'zod';
import { loadConfig } from '../config/env.js';
import { serviceDatabase } from '../db/database.js';
import { redactUrl } from '../db/errors.js';
import { outboxProducers as producers, outboxStatus } from '../events/outbox/status.js';
import type { OutboxStatus } from '../events/outbox/status.js';
import { parseFlags, runCommand, type CommandInfo } from './args.js';

const command = {
  name: 'outbox:status',
  usage: `npm run outbox:status -- [--service ${producers.join('|')}]... [--pending]`,
  summary:
    'Shows each service’s outbox: events waiting for its relay to publish them, how old the oldest is, and why ' +
    'publishing fails, if it does.',
  flags: {
    service: { type: 'string', multiple: true, value: 'a service name', help: 'only this service (default: all)' },
    pending: { type: 'boolean', help: 'also lists every pending event' },
  },
} satisfies CommandInfo;

const flagsSchema = z.object({
  service: z.array(z.enum(producers, { error: `must be one of ${producers.join(', ')}` })).optional(),
  pending: z.boolean().default(false),
});

async function main(argv: string[]): Promise<number> {
  const { service, pending } = parseFlags(argv, command.flags, flagsSchema);
  const config = loadConfig();
  let failed = 0;
  for (const name of service ?? producers) {
    try {
      const status = await outboxStatus(serviceDatabase(config, name), name, { pending });
      for (const line of describe(name, status)) console.log(line);
    } catch (error) {
      failed++;
      const message = error instanceof Error ? redactUrl(error.message) : String(error);
      console.error(`${command.name}: ${name}: cannot read its outbox: ${message}`);
    }
  }
  return failed > 0 ? 1 : 0;
}

function describe(service: string, status: OutboxStatus): string[] {
  if (status.kind === 'no-database') return [`${service}: no database at ${status.filename} (is DATA_DIR right?)`];
  if (status.kind === 'no-outbox') return [`${service}: no outbox yet (the service has not run on this release)`];
  const { backlog } = status;
  const parts = [`${backlog.pending} pending`];
  if (backlog.oldestPendingAt !== undefined) {
    parts.push(`oldest ${age(Date.now() - Date.parse(backlog.oldestPendingAt))} old (${backlog.oldestPendingAt})`);
  }
  if (backlog.failing > 0) parts.push(`${backlog.failing} failed at least once, last: ${backlog.lastError ?? '?'}`);
  parts.push(`${backlog.sentKept} sent and kept for the duplicate window`);
  const lines = [`${service}: ${parts.join('; ')}`];
  for (const entry of status.pending ?? []) {
    lines.push(
      `  ${entry.createdAt} ${entry.eventName} order ${entry.orderId} (${entry.eventId}), ` +
        `${entry.attempts} attempt(s)${entry.lastError ? `: ${entry.lastError}` : ''}`,
    );
  }
  return lines;
}

/** `3s`, `4m 10s`, `2h 5m`: how long an event has waited. */
function age(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1_000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

runCommand(command, main);
