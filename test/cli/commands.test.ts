// Every command on the one parser, as an operator runs it: --help prints its usage, a bad flag is one line naming it and exit code 2.
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a command file in its own process; nothing here reaches NATS, Temporal or a database. */
const run = (file: string, args: string[]) =>
  execa('node', ['--import', 'tsx', file, ...args], {
    cwd: root,
    env: { DATABASE_URL: '', LOG_LEVEL: 'silent' },
    reject: false,
  });

describe('the operator commands', () => {
  it.each([
    [
      'src/cli/events-redrive.ts',
      'usage: npm run events:redrive -- [--consumer notifications|analytics|order-read-model]',
    ],
    ['src/cli/read-model-rebuild.ts', 'usage: npm run read-model:rebuild -- --model analytics|orders'],
    ['src/cli/payments-unblock-refund.ts', 'usage: npm run payments:unblock-refund -- --order <orderId>'],
    ['src/cli/token.ts', 'usage: npm run token -- --customer <customerId> | --operator <name> [--ttl <duration>]'],
    ['src/cli/codec-rotate-key.ts', 'usage: npm run codec:rotate-key'],
    ['src/cli/outbox-status.ts', 'usage: npm run outbox:status -- [--service orders|payments|inventory|shipping]'],
    ['src/cluster/main.ts', 'usage: npm run cluster'],
  ])('%s --help prints its usage and flags, exit code 0', async (file, usage) => {
    const result = await run(file, ['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')[0]).toMatch(new RegExp(`^${usage.replace(/[|[\]]/g, '\\$&')}`));
    expect(result.stdout).toMatch(/^ {2}--help +prints this$/m);
  });

  it.each([
    [
      'src/cli/events-redrive.ts',
      ['--consumer', 'billing'],
      'events:redrive: --consumer: must be one of notifications, analytics, order-read-model',
    ],
    [
      'src/cli/events-redrive.ts',
      ['--seq', '0'],
      'events:redrive: --seq: must be a DLQ sequence number (a whole number from 1)',
    ],
    ['src/cli/read-model-rebuild.ts', [], 'read-model:rebuild: --model: is required (analytics or orders)'],
    [
      'src/cli/read-model-rebuild.ts',
      ['--model', 'payments'],
      'read-model:rebuild: --model: must be one of analytics, orders',
    ],
    ['src/cli/token.ts', [], 'token: --customer: is required (or --operator <name>)'],
    ['src/cli/token.ts', ['--customer', 'a b'], 'token: --customer: must be letters, digits, _ and - (at most 64)'],
    ['src/cli/token.ts', ['--operator', 'alice', '--ttl', 'soon'], 'token: --ttl: must be a duration of at least 1s'],
    ['src/cli/token.ts', ['--customer', 'c', '--operator', 'o'], 'token: --operator: give either --customer or'],
    [
      'src/cli/outbox-status.ts',
      ['--service', 'billing'],
      'outbox:status: --service: must be one of orders, payments, inventory, shipping',
    ],
    ['bench/loadgen/cli.ts', ['--rate', 'fast'], 'loadgen: --rate: must be a number above 0 and at most 5000'],
    ['bench/loadgen/soak.ts', ['--api', 'http://x'], 'soak: --api: npm run soak starts its own system'],
    ['bench/bench.ts', ['--ramp', '8,4'], 'bench: --ramp: levels must increase'],
    ['src/cluster/main.ts', ['--nodes', '5'], 'cluster: --nodes'],
    [
      'src/cluster/main.ts',
      ['--processes-per-role', '9'],
      'cluster: --processes-per-role: must be a whole number from 1 to 8',
    ],
    ['src/cluster/main.ts', ['--history-shards', '0'], 'cluster: --history-shards: must be a whole number from 1'],
  ])('%s %j is one line naming the flag, exit code 2', async (file, args, message) => {
    const result = await run(file, args);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toHaveLength(1);
    expect(result.stderr.startsWith(message)).toBe(true);
  });
});
