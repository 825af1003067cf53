// The table of which command needs which server, and the bootstrap's `--for` / `--need` arguments.
import { describe, expect, it } from 'vitest';
import { needs, parseBootstrapArgs, servers } from '../../tools/needs.mjs';

describe('what each command needs', () => {
  it('gives dev its servers and the Web UI server, and test those with the rest, Chromium and promtool', () => {
    expect(needs.dev).toEqual(['temporal-cli', 'temporal-ui-server', 'nats-server']);
    expect(needs.test).toEqual([
      'temporal-cli',
      'temporal-ui-server',
      'nats-server',
      'test-server',
      'postgres',
      'chromium',
      'promtool',
    ]);
  });

  it('gives the cluster its own servers, and the CLI for the init script compose runs too', () => {
    expect(needs.cluster).toEqual(
      expect.arrayContaining([
        'temporal-cli',
        'temporal-server',
        'temporal-sql-tool',
        'temporal-schema',
        'temporal-ui-server',
        'haproxy',
        'nats-server',
        'postgres',
      ]),
    );
    expect(needs.cluster).not.toContain('test-server');
  });

  it('names only servers the bootstrap knows', () => {
    for (const list of Object.values(needs)) for (const name of list) expect(Object.keys(servers)).toContain(name);
  });
});

describe('bootstrap arguments', () => {
  it('provides what dev and test need together when told nothing', () => {
    expect(parseBootstrapArgs([])).toEqual([
      'temporal-cli',
      'nats-server',
      'test-server',
      'postgres',
      'temporal-ui-server',
      'promtool',
      'chromium',
    ]);
  });

  it('provides only what the named command needs', () => {
    expect(parseBootstrapArgs(['--for', 'dev'])).toEqual(['temporal-cli', 'nats-server', 'temporal-ui-server']);
    expect(parseBootstrapArgs(['--for=cluster'])).toEqual([
      'temporal-cli',
      'nats-server',
      'postgres',
      'temporal-server',
      'temporal-sql-tool',
      'temporal-schema',
      'temporal-ui-server',
      'haproxy',
    ]);
  });

  it('combines commands and named servers, once each, in the table order', () => {
    expect(parseBootstrapArgs(['--need', 'chromium,jaeger', '--for', 'dev,dev', '--need', 'nats-server'])).toEqual([
      'temporal-cli',
      'nats-server',
      'temporal-ui-server',
      'jaeger',
      'chromium',
    ]);
  });

  it('refuses an unknown command, listing the known ones', () => {
    expect(() => parseBootstrapArgs(['--for', 'prod'])).toThrow(
      'unknown command "prod" for --for: one of dev, test, cluster',
    );
  });

  it('refuses an unknown server, listing the known ones', () => {
    expect(() => parseBootstrapArgs(['--need', 'jaeger,kafka'])).toThrow(
      /^unknown server "kafka" for --need: one of temporal-cli, .*schemathesis$/,
    );
  });

  it('refuses a stray argument or option with the usage', () => {
    expect(() => parseBootstrapArgs(['dev'])).toThrow(
      'unexpected argument "dev"; usage: bootstrap.mjs [--for dev|test|cluster]',
    );
    expect(() => parseBootstrapArgs(['--all'])).toThrow(/--all.*; usage: bootstrap\.mjs/);
  });
});
