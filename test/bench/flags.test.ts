// The benchmark's flags: defaults, the reuse of given servers, and errors that name the flag.
import { describe, expect, it } from 'vitest';
import { parseBenchFlags } from '../../bench/flags.js';
import { FlagError } from '../../src/cli/args.js';

const now = new Date('2024-05-01T12:30:00Z');

describe('parseBenchFlags', () => {
  it('starts its own servers and ramps 8, 32, 96 by default', () => {
    expect(parseBenchFlags([], now)).toEqual({
      temporalAddress: undefined,
      natsUrl: undefined,
      namespace: 'default',
      ramp: [8, 32, 96],
      rampCount: 200,
      durationS: 30,
      rate: undefined,
      acceptCount: 300,
      acceptConcurrency: 16,
      drainTimeoutS: 180,
      outDir: 'reports/bench-2024-05-01T12-30-00Z',
    });
  });

  it('reuses given servers and reads every count', () => {
    const options = parseBenchFlags(
      [
        '--temporal',
        '127.0.0.1:7233',
        '--nats',
        'nats://127.0.0.1:4222',
        '--namespace',
        'perf',
        '--ramp',
        '4,16',
        '--ramp-count',
        '50',
        '--duration',
        '10',
        '--rate',
        '7.5',
        '--accept-count',
        '40',
        '--accept-concurrency',
        '4',
        '--out',
        'x',
      ],
      now,
    );
    expect(options).toMatchObject({
      temporalAddress: '127.0.0.1:7233',
      natsUrl: 'nats://127.0.0.1:4222',
      namespace: 'perf',
      ramp: [4, 16],
      rampCount: 50,
      durationS: 10,
      rate: 7.5,
      acceptCount: 40,
      acceptConcurrency: 4,
      outDir: 'x',
    });
  });

  it.each([
    [['--ramp', '8,4'], '--ramp', /--ramp: levels must increase/],
    [['--ramp', 'eight'], '--ramp', /--ramp: must be comma-separated whole numbers/],
    [['--ramp-count', '2.5'], '--ramp-count', /--ramp-count: must be a whole number from 1/],
    [['--accept-concurrency', '0'], '--accept-concurrency', /--accept-concurrency/],
    [['--temporal', 'localhost'], '--temporal', /--temporal: must be host:port/],
    [['--namespace', 'perf'], '--namespace', /--namespace: needs --temporal/],
    [['--rate', 'lots'], '--rate', /--rate: must be a number above 0/],
    [['--concurrency', '4'], '--concurrency', /--concurrency: unknown flag/],
  ])('%j is an error naming %s', (argv, flag, message) => {
    let error: unknown;
    try {
      parseBenchFlags(argv, now);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FlagError);
    expect((error as FlagError).flag).toBe(flag);
    expect((error as FlagError).message).toMatch(message);
  });
});
