// Which command needs which server: the one table to change when a command starts using a new one, and its resolution.
//
// Plain JavaScript on purpose: bootstrap runs it before `npm ci`.
import { parseArgs } from 'node:util';
import { resolveChromium, resolveHaproxy, resolvePrometheus, resolvePromtool } from './debian.mjs';
import { provisionPostgres } from './postgres.mjs';
import { ProvisionError } from './provision.mjs';
import { resolveSchemathesis } from './schemathesis.mjs';
import {
  resolveJaeger,
  resolveNatsServer,
  resolveTemporalCli,
  resolveTemporalSchemaDir,
  resolveTemporalServer,
  resolveTemporalSqlTool,
  resolveTemporalUiServer,
  resolveTestServer,
} from './servers.mjs';

/**
 * One server the bootstrap can provide: `label` names it in the bootstrap's summary; `resolve` finds or builds it and
 * returns its path, or undefined when it is optional and missing (then `missing` says what that means).
 * @typedef {{ log?: (line: string) => void }} ResolveOptions
 * @typedef {{ label: string, resolve: (options: ResolveOptions) => string | undefined, missing?: string }} Server
 */

/** Every server, by the name `--need` takes, in the order the bootstrap provides them. */
export const servers = /** @type {const} @satisfies {Record<string, Server>} */ ({
  'temporal-cli': { label: 'temporal', resolve: resolveTemporalCli },
  'nats-server': { label: 'nats-server', resolve: resolveNatsServer },
  'test-server': { label: 'test server', resolve: resolveTestServer, missing: 'SDK download (Java or Maven missing)' },
  postgres: {
    label: 'postgresql',
    resolve: provisionPostgres,
    missing: 'missing (only the PostgreSQL engine tests need it)',
  },
  'temporal-server': { label: 'temporal-server', resolve: resolveTemporalServer },
  'temporal-sql-tool': { label: 'temporal-sql-tool', resolve: resolveTemporalSqlTool },
  'temporal-schema': { label: 'temporal schema', resolve: resolveTemporalSchemaDir },
  'temporal-ui-server': { label: 'temporal-ui-server', resolve: resolveTemporalUiServer },
  jaeger: { label: 'jaeger', resolve: resolveJaeger },
  haproxy: { label: 'haproxy', resolve: resolveHaproxy },
  promtool: { label: 'promtool', resolve: resolvePromtool },
  prometheus: { label: 'prometheus', resolve: resolvePrometheus },
  chromium: { label: 'chromium', resolve: resolveChromium },
  schemathesis: { label: 'schemathesis', resolve: resolveSchemathesis },
});

/** @typedef {keyof typeof servers} ServerName */

/**
 * What each command needs before it starts (`node tools/bootstrap.mjs --for <command>`). Without `--for` or
 * `--need`, the bootstrap provides what `dev` and `test` need together.
 * @type {Record<string, readonly ServerName[]>}
 */
export const needs = {
  // The Web UI is the standalone UI server: the dev server's own cannot send the sign-in cookie to the codec endpoint.
  dev: ['temporal-cli', 'temporal-ui-server', 'nats-server'],
  // The main command's servers, Chromium for the browser tests (test/**/*.browser.test.ts), and promtool for the alert
  // rules (test/deploy/alert-rules.test.ts).
  test: ['temporal-cli', 'temporal-ui-server', 'nats-server', 'test-server', 'postgres', 'chromium', 'promtool'],
  // The CLI runs deploy/temporal/init.sh (namespace, search attributes) as compose's admin-tools job does.
  cluster: [
    'temporal-cli',
    'temporal-server',
    'temporal-sql-tool',
    'temporal-schema',
    'temporal-ui-server',
    'haproxy',
    'nats-server',
    'postgres',
  ],
};

/** @param {string} name @returns {name is ServerName} */
function isServerName(name) {
  return Object.hasOwn(servers, name);
}

/**
 * The servers a bootstrap command line asks for: `--for dev,test` (commands from the table), `--need jaeger,chromium`
 * (servers by name), both repeatable and combined; neither means `--for dev,test`. In the table's server order.
 * @param {string[]} argv the arguments after the script
 * @returns {ServerName[]}
 */
export function parseBootstrapArgs(argv) {
  /** @type {{ values: { for?: string[], need?: string[] }, positionals: string[] }} */
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { for: { type: 'string', multiple: true }, need: { type: 'string', multiple: true } },
      allowPositionals: true,
    });
  } catch (error) {
    throw new ProvisionError(
      `${error instanceof Error ? error.message : String(error)}; usage: bootstrap.mjs [--for ${Object.keys(needs).join('|')}] [--need <server>,...]`,
    );
  }
  if (parsed.positionals.length > 0) {
    throw new ProvisionError(
      `unexpected argument "${parsed.positionals[0]}"; usage: bootstrap.mjs [--for ${Object.keys(needs).join('|')}] [--need <server>,...]`,
    );
  }
  /** @param {string[] | undefined} values */
  const split = (values) =>
    (values ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean);
  const commands = split(parsed.values.for);
  const named = split(parsed.values.need);
  if (commands.length === 0 && named.length === 0) commands.push('dev', 'test');
  /** @type {Set<ServerName>} */
  const wanted = new Set();
  for (const command of commands) {
    const list = Object.hasOwn(needs, command) ? needs[command] : undefined;
    if (!list)
      throw new ProvisionError(`unknown command "${command}" for --for: one of ${Object.keys(needs).join(', ')}`);
    for (const name of list) wanted.add(name);
  }
  for (const name of named) {
    if (!isServerName(name))
      throw new ProvisionError(`unknown server "${name}" for --need: one of ${Object.keys(servers).join(', ')}`);
    wanted.add(name);
  }
  return /** @type {ServerName[]} */ (Object.keys(servers)).filter((name) => wanted.has(name));
}

/**
 * Finds or builds each named server, one at a time (builds are heavy on a shared machine), stopping at the first
 * that cannot be provided.
 * @param {readonly ServerName[]} names
 * @param {ResolveOptions} [options]
 * @returns {{ name: ServerName, label: string, path: string }[]}
 */
export function provision(names, options = {}) {
  return names.map((name) => {
    /** @type {Server} */
    const server = servers[name];
    const path = server.resolve(options) ?? server.missing ?? 'missing';
    return { name, label: server.label, path };
  });
}
