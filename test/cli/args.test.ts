// The one argument parser: what it reads, the FlagError every problem becomes, and the --help it prints.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { FlagError, helpText, parseFlags, positiveInteger, type CommandInfo } from '../../src/cli/args.js';

const command = {
  name: 'demo',
  usage: 'npm run demo -- --order <orderId> [--seq <n>]... [--dry-run]',
  summary: 'A command to parse.',
  flags: {
    order: { type: 'string', value: 'an order ID', help: 'the order' },
    seq: { type: 'string', multiple: true, help: 'a sequence number' },
    'dry-run': { type: 'boolean', help: 'changes nothing' },
  },
} satisfies CommandInfo;

const schema = z.object({
  order: z.string({ error: 'is required' }),
  seq: z.array(positiveInteger(100)).default([]),
  'dry-run': z.boolean().default(false),
});

const parse = (...argv: string[]) => parseFlags(argv, command.flags, schema);

describe('parseFlags', () => {
  it('reads strings, repeated strings and booleans, then applies the schema', () => {
    expect(parse('--order', 'o-1', '--seq', '3', '--seq=7', '--dry-run')).toEqual({
      order: 'o-1',
      seq: [3, 7],
      'dry-run': true,
    });
    expect(parse('--order=o-2')).toEqual({ order: 'o-2', seq: [], 'dry-run': false });
  });

  it.each([
    [[], '--order', '--order: is required'],
    [['--order'], '--order', '--order: needs an order ID'],
    [['--order', 'o', '--seq'], '--seq', '--seq: needs a value'],
    [['--order', 'o', '--dry-run=yes'], '--dry-run', '--dry-run: takes no value'],
    [['--order', 'o', '--seq', '0'], '--seq', '--seq: must be a whole number from 1 to 100'],
    [['--force'], '--force', '--force: unknown flag; known flags: --order, --seq, --dry-run, --help'],
    [['o-1'], 'o-1', 'o-1: unexpected argument; every option is a --flag'],
  ])('%j is a FlagError naming %s', (argv, flag, message) => {
    expect(() => parse(...argv)).toThrow(FlagError);
    expect(() => parse(...argv)).toThrow(expect.objectContaining({ code: 'INVALID_FLAG', flag, message }));
  });
});

describe('helpText', () => {
  it('prints the usage, the summary and one line per flag, --help last', () => {
    expect(helpText(command).split('\n')).toEqual([
      'usage: npm run demo -- --order <orderId> [--seq <n>]... [--dry-run]',
      '',
      'A command to parse.',
      '',
      '  --order <value>  the order',
      '  --seq <value>    a sequence number (may be repeated)',
      '  --dry-run        changes nothing',
      '  --help           prints this',
    ]);
  });
});
