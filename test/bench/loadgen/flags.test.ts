// The load generator's flags: defaults, soak settings, and errors that name the flag.
import { describe, expect, it } from 'vitest';
import { FlagError } from '../../../src/cli/args.js';
import { parseLoadgenFlags } from '../../../bench/loadgen/flags.js';

const defaults = {
  apiUrl: 'http://127.0.0.1:3000',
  natsUrl: 'nats://127.0.0.1:4222',
  temporalAddress: '127.0.0.1:7233',
  now: new Date('2024-05-01T12:30:00.123Z'),
};
const parse = (...argv: string[]) => parseLoadgenFlags(argv, defaults);

function flagError(argv: string[]): FlagError {
  try {
    parse(...argv);
  } catch (error) {
    if (error instanceof FlagError) return error;
    throw error;
  }
  throw new Error(`no error for ${argv.join(' ')}`);
}

describe('parseLoadgenFlags', () => {
  it('has defaults for everything', () => {
    expect(parse()).toEqual({
      rate: 5,
      durationS: 30,
      mix: 'default',
      apiUrl: 'http://127.0.0.1:3000',
      natsUrl: 'nats://127.0.0.1:4222',
      outDir: 'reports/loadgen-2024-05-01T12-30-00Z',
      drainTimeoutS: 30,
      requestTimeoutS: 30,
      stockCheck: true,
      restock: false,
      soak: undefined,
    });
  });

  it('reads every flag, with = or a separate value', () => {
    const options = parse(
      '--rate=12.5',
      '--duration',
      '60',
      '--mix',
      'happy',
      '--api',
      'http://localhost:3001/',
      '--nats',
      'nats://10.0.0.1:4333',
      '--out',
      'r/x',
      '--drain-timeout',
      '5',
      '--restock',
    );
    expect(options).toMatchObject({
      rate: 12.5,
      durationS: 60,
      mix: 'happy',
      apiUrl: 'http://localhost:3001',
      natsUrl: 'nats://10.0.0.1:4333',
      outDir: 'r/x',
      drainTimeoutS: 5,
      restock: true,
    });
  });

  it('derives soak settings: minute 2 of a long run, a fifth of a short one', () => {
    expect(parse('--soak', '--duration', '600').soak).toEqual({
      sampleEveryS: 10,
      warmupS: 120,
      tolerancePct: 10,
      temporalAddress: '127.0.0.1:7233',
      pids: [],
    });
    expect(parse('--soak', '--duration', '60', '--pid', 'worker=123', '--pid', 'api=7').soak).toMatchObject({
      warmupS: 12,
      sampleEveryS: 3,
      pids: [
        { name: 'worker', pid: 123 },
        { name: 'api', pid: 7 },
      ],
    });
    expect(parse('--soak').outDir).toBe('reports/soak-2024-05-01T12-30-00Z');
  });

  it.each([
    [['--rate', 'fast'], '--rate', /--rate: must be a number above 0/],
    [['--rate', '0'], '--rate', /--rate: must be a number above 0/],
    [['--rate', '-3'], '--rate', /--rate/],
    [['--duration', '1e9'], '--duration', /--duration: must be a number/],
    [['--mix', 'chaos'], '--mix', /--mix: must be one of default, happy/],
    [['--api', 'localhost:3000'], '--api', /--api: must be an http:\/\/ URL/],
    [['--nats', 'http://x:4222'], '--nats', /--nats: must be a nats:\/\/host:port URL/],
    [['--sample-every', '5'], '--sample-every', /--sample-every: only applies with --soak/],
    [['--soak', '--pid', 'worker'], '--pid', /--pid: must be name=pid/],
    [['--soak', '--duration', '60', '--warmup', '90'], '--warmup', /--warmup: must be shorter than --duration/],
    [['--rate', '0.1', '--duration', '2'], '--rate', /at least one order/],
    [['--bogus'], '--bogus', /--bogus: unknown flag; known flags: --rate, --duration/],
    [['--rate'], '--rate', /--rate: needs a value/],
    [['--soak=yes'], '--soak', /--soak: takes no value/],
    [['60'], '60', /unexpected argument/],
  ])('%j is an error naming %s', (argv, flag, message) => {
    const error = flagError(argv);
    expect(error.flag).toBe(flag);
    expect(error.message).toMatch(message);
    expect(error.code).toBe('INVALID_FLAG');
  });
});
