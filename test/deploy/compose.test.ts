// docker-compose.yml against the Compose specification's JSON schema, and against the code it deploys: roles,
// environment variables, search attributes, start order, and the files it mounts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../../src/config/env.js';
import { orderSearchAttributes } from '../../src/shared/search-attributes.js';
import { roleNames } from '../../src/workers/role.js';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test?: unknown };
  restart?: string;
  deploy?: { replicas?: number | string };
  volumes?: (string | { type: string; source?: string })[];
}

// Compose resolves YAML merge keys (`<<: *app`) before it validates, so the test does too.
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
/** The containers of the project's own image: every one runs a role. */
const appServices = services.filter(([, s]) => s.build !== undefined);

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const pairs = Array.isArray(env)
    ? env.map((line) => [line.split('=')[0] ?? '', line.slice(line.indexOf('=') + 1)])
    : Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]);
  return Object.fromEntries(pairs) as Record<string, string>;
}

function roleOf(service: Service): string | undefined {
  const command = Array.isArray(service.command) ? service.command : (service.command ?? '').split(/\s+/);
  const at = command.indexOf('--role');
  return at < 0 ? undefined : command[at + 1];
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose specification schema (test/deploy/compose-spec.json)', () => {
    const schema = JSON.parse(read('test/deploy/compose-spec.json')) as Record<string, unknown>;
    // The schema names its draft by an https URL Ajv does not know as a meta-schema; its keywords are plain draft-07.
    delete schema.$schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    const validate = ajv.compile(schema);
    const valid = validate(compose);
    expect(ajv.errorsText(validate.errors, { separator: '\n' }), 'schema errors').toBe('No errors');
    expect(valid).toBe(true);
  });

  it('runs every role, each in its own service of the project image, with the start command', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(appServices.map(([, s]) => roleOf(s)).sort()).toEqual([...roleNames].sort());
    for (const [name, service] of appServices) {
      expect(Array.isArray(service.command), name).toBe(true);
      const command = (service.command as string[]).join(' ');
      expect(command, name).toBe(`${start} --role ${roleOf(service)}`);
    }
  });

  it('sets only variables src/config/env.ts knows on the project services, with values it accepts', () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const [name, service] of appServices) {
      const env = environmentOf(service);
      expect(
        Object.keys(env).filter((key) => !known.has(key)),
        `unknown variables on ${name}`,
      ).toEqual([]);
      expect(() => loadConfig(env), name).not.toThrow();
    }
  });

  it('scales workers and subscribers with replicas, and keeps one API behind its published port', () => {
    for (const [name, service] of appServices) {
      if (roleOf(service) === 'api') expect(service.deploy?.replicas, name).toBeUndefined();
      else expect(Number(service.deploy?.replicas), name).toBeGreaterThanOrEqual(2);
    }
  });

  it('gives each service that owns data its own PostgreSQL role, schema and URL', () => {
    const initSql = read('deploy/postgres/init.sql');
    for (const role of ['orders', 'payments', 'inventory', 'shipping', 'notifications', 'analytics']) {
      const [, service] = appServices.find(([, s]) => roleOf(s) === role) ?? [];
      const url = new URL(environmentOf(service ?? {}).DATABASE_URL ?? '');
      expect(url.username, role).toBe(role);
      expect(initSql).toContain(`create schema ${role} authorization ${role};`);
    }
    // The order-read-model processes log in as the analytics role, which owns the order read model's schema.
    expect(initSql).toContain('create schema order_read_model authorization analytics;');
  });

  it('lets the API log in as a role that may only read the read models and the inventory', () => {
    const initSql = read('deploy/postgres/init.sql');
    const [, api] = appServices.find(([, s]) => roleOf(s) === 'api') ?? [];
    const url = new URL(environmentOf(api ?? {}).DATABASE_URL ?? '');
    expect(url.username).toBe('api');
    expect(initSql).toContain('grant usage on schema inventory, notifications, analytics, order_read_model to api;');
    expect(initSql).not.toMatch(/schema \w+ authorization api\b/);
    expect(initSql).not.toMatch(/grant (all|insert|update|delete|create)[^;]* to api;/i);
  });

  it('starts in order: every dependency exists, and its condition can be met', () => {
    for (const [name, service] of services) {
      const dependsOn = service.depends_on ?? {};
      expect(Array.isArray(dependsOn), `${name} depends_on uses conditions`).toBe(false);
      for (const [target, { condition }] of Object.entries(dependsOn as Record<string, { condition: string }>)) {
        const dependency = compose.services[target];
        expect(dependency, `${name} -> ${target}`).toBeDefined();
        if (condition === 'service_healthy')
          expect(dependency?.healthcheck?.test, `${target} health check`).toBeDefined();
        if (condition === 'service_completed_successfully') {
          expect(dependency?.restart ?? 'no', `${target} is a job`).toMatch(/^(no|on-failure(:\d+)?)$/);
        }
      }
    }
    const api = compose.services.api;
    expect(JSON.stringify(api?.healthcheck?.test)).toContain('/readyz');
  });

  it('mounts files that exist', () => {
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        if (source?.startsWith('./')) expect(existsSync(join(root, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('runs NATS as a three-node JetStream cluster with file storage synced on every write, and three replicas', () => {
    const nodes = services.filter(([, s]) => s.image?.startsWith('nats:'));
    expect(nodes.map(([name]) => name)).toEqual(['nats-1', 'nats-2', 'nats-3']);
    const cluster = read('deploy/nats/cluster.conf');
    expect(cluster).toMatch(/^\s*sync_interval: always$/m);
    expect(cluster).toMatch(/^\s*store_dir: /m);
    for (const [name] of nodes) {
      expect(read(`deploy/nats/${name}.conf`)).toMatch(new RegExp(`^server_name: ${name}$`, 'm'));
      expect(cluster).toContain(`nats-route://${name}:6222`);
    }
    for (const [name, service] of appServices)
      expect(environmentOf(service).EVENTS_REPLICAS, name).toBe(String(nodes.length));
  });

  it('registers the search attributes the workflow sets, with their types', () => {
    const init = read('deploy/temporal/init.sh');
    const cliType = { KEYWORD: 'Keyword', INT: 'Int' } as Record<string, string>;
    for (const attribute of orderSearchAttributes) {
      expect(init).toContain(`${attribute.name}:${cliType[attribute.type] ?? attribute.type}`);
    }
  });
});
