// docker-compose.yml against the Compose specification's JSON schema, and against the code it deploys: roles,
// environment variables, search attributes, start order, the files it mounts, and what `npm run cluster` runs from
// the same files (the same versions, variables and logins).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envSchema, loadConfig } from '../../src/config/env.js';
import { haproxyEnv } from '../../src/cluster/haproxy.js';
import { planCluster } from '../../src/cluster/layout.js';
import type { ClusterLayout } from '../../src/cluster/layout.js';
import { natsNodeEnv } from '../../src/cluster/nats.js';
import { deployFiles } from '../../src/cluster/paths.js';
import { roleEnv, roleEnvironment, roleLogins, sharedRoleEnvironment } from '../../src/cluster/roles.js';
import { temporalNodeEnv, temporalUiEnv } from '../../src/cluster/temporal.js';
import { orderSearchAttributes } from '../../src/shared/search-attributes.js';
import { natsUsers } from '../../src/events/nats/permissions.js';
import type { NatsUser } from '../../src/events/nats/permissions.js';
import { natsPasswordVariable } from '../../src/events/nats/server-config.js';
import { roleNames } from '../../src/workers/role.js';
import { resolveTemporalUiServer, versions } from '../../tools/servers.mjs';

const root = join(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Service {
  image?: string;
  entrypoint?: string[] | string;
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
const composeText = read('docker-compose.yml');
const compose = parse(composeText, { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
/** The containers of the project's own image that run a role; the image also runs the `nats-setup` job. */
const appServices = services.filter(([, s]) => s.build !== undefined && roleOf(s) !== undefined);

/** `.env.example`'s variables; an empty one (a secret the user must choose) stands for any value. */
const envExample = Object.fromEntries(
  read('.env.example')
    .split('\n')
    .filter((line) => /^[A-Z0-9_]+=/.test(line))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
) as Record<string, string>;
const chosenSecret = 'a-secret-of-the-users-choosing';
/** Compose's interpolation (`${NAME}`, `${NAME:-default}`, `${NAME:?error}`) with `.env.example`'s values. */
function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    const given = envExample[name];
    if (given !== undefined && given !== '') return given;
    if (kind === '-') return rest ?? '';
    return chosenSecret;
  });
}

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const pairs = Array.isArray(env)
    ? env.map((line) => [line.split('=')[0] ?? '', line.slice(line.indexOf('=') + 1)])
    : Object.entries(env).map(([k, v]) => [k, v === null ? '' : String(v)]);
  return Object.fromEntries(pairs) as Record<string, string>;
}

function roleOf(service: Service | undefined): string | undefined {
  if (service === undefined) return undefined;
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

  it('runs every role, each in services of its own of the project image, with the start command', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect([...new Set(appServices.map(([, s]) => roleOf(s)))].sort()).toEqual([...roleNames].sort());
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
      expect(
        () => loadConfig(Object.fromEntries(Object.entries(env).map(([k, v]) => [k, interpolate(v)]))),
        name,
      ).not.toThrow();
    }
  });

  it('holds no secret: every password is a variable from the env file, which lists every variable used', () => {
    const used = [
      ...new Set([...composeText.replace(/^\s*#.*$/gm, '').matchAll(/\$\{([A-Z0-9_]+)/g)].map((m) => String(m[1]))),
    ];
    expect(
      used.filter((name) => !(name in envExample)),
      'variables missing from .env.example',
    ).toEqual([]);
    for (const [name, service] of services) {
      for (const [key, value] of Object.entries(environmentOf(service))) {
        if (/PASSWORD|PWD|SECRET|KEY$/.test(key))
          expect(value, `${name}: ${key}`).toMatch(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/);
        // A URL's password too: postgres://user:${PASSWORD}@host.
        const url = /^\w+:\/\/[^:/@]+:([^@]+)@/.exec(value);
        if (url) expect(url[1], `${name}: ${key}'s password`).toMatch(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/);
      }
    }
    const secrets = Object.keys(envExample).filter((name) => /PASSWORD/.test(name));
    for (const name of secrets) expect(envExample[name], `.env.example ${name} is left for the user`).toBe('');
    expect(read('.gitignore')).toMatch(/^\.env$/m);
    expect(read('.dockerignore')).toMatch(/^\.env$/m);
  });

  it('writes no password in any file under deploy/: each comes from the environment', () => {
    // deploy/certs/ is made on each machine (deploy/make-certs.sh) and git-ignored: no file of the repository.
    const files = readdirSync(join(root, 'deploy'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name).slice(root.length + 1))
      .filter((path) => !path.startsWith('deploy/certs/'));
    expect(files).toContain('deploy/postgres/init.sql');
    const literal = [
      /password\s+'[^']*'/i, // SQL: create role x login password 'x'
      /^\s*password:\s*(?![$]|\{\{)\S/m, // YAML and nats-server: anything but a variable or a template
      /(PASSWORD|PWD)=(?!["']?\$)\S/, // shell: a value that is not a variable
      /:\/\/[^\s:/@]+:(?![$]\{)[^\s@]+@/, // a URL's password
    ];
    for (const file of files) {
      const text = read(file).replace(/^\s*(#|--).*$/gm, '');
      for (const pattern of literal) expect(text, `${file}: ${pattern}`).not.toMatch(pattern);
    }
    // Each role's password is a psql variable that deploy/postgres/init.sh sets from a variable compose gives it.
    const initSql = read('deploy/postgres/init.sql');
    const initSh = read('deploy/postgres/init.sh');
    const postgresEnv = environmentOf(compose.services.postgres ?? {});
    const roles = [...initSql.matchAll(/create role (\w+) login password :'(\w+)'/g)];
    expect(roles.map((m) => m[1]).sort()).toEqual(
      ['analytics', 'api', 'inventory', 'notifications', 'orders', 'payments', 'shipping', 'temporal'].sort(),
    );
    for (const [, role, variable] of roles) {
      const set = new RegExp(`-v ${variable}="\\$\\{([A-Z_]+):\\?`).exec(initSh);
      expect(set, `init.sh sets ${variable}`).not.toBeNull();
      const name = set?.[1] ?? '';
      expect(postgresEnv[name], `postgres: ${name}`).toMatch(/^\$\{[A-Z0-9_]+:\?[^}]+\}$/);
      expect(envExample, `.env.example: ${name} (${role})`).toHaveProperty(name);
    }
  });

  it('binds every published port to BIND_ADDRESS, which defaults to this host', () => {
    for (const [name, service] of services) {
      for (const port of (service as { ports?: unknown[] }).ports ?? []) {
        expect(String(port), name).toMatch(/^\$\{BIND_ADDRESS:-127\.0\.0\.1\}:\d+:\d+$/);
      }
    }
    expect(envExample.BIND_ADDRESS).toBe('127.0.0.1');
  });

  it('connects each role as its own NATS user over TLS, and runs the stream set-up as `setup` before them', () => {
    for (const [name, service] of appServices) {
      const env = environmentOf(service);
      expect(env.NATS_USER, name).toBe(roleOf(service));
      expect(env.NATS_PASSWORD, name).toBe(
        `\${${natsPasswordVariable(roleOf(service) as NatsUser)}:?set ${natsPasswordVariable(roleOf(service) as NatsUser)} in .env}`,
      );
      expect(env.NATS_TLS_CA_FILE, name).toBe('/app/certs/ca.pem');
      expect(service.depends_on, name).toHaveProperty('nats-setup.condition', 'service_completed_successfully');
    }
    const setup = compose.services['nats-setup'];
    expect(setup?.command).toEqual(['node', '--import', 'tsx', 'src/cli/events-setup.ts']);
    expect(environmentOf(setup ?? {}).NATS_USER).toBe('setup');
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['events:setup']).toContain(
      'src/cli/events-setup.ts',
    );
    const users = read('deploy/nats/users.conf');
    for (const n of [1, 2, 3]) {
      const node = compose.services[`nats-${n}`] ?? {};
      expect(node.command, `nats-${n}`).toEqual(expect.arrayContaining(['--tls', '--tlscert', '--tlskey']));
      const env = environmentOf(node);
      for (const user of natsUsers) {
        expect(users).toContain(`password: $${natsPasswordVariable(user)}`);
        expect(env[natsPasswordVariable(user)], `nats-${n}: ${user}`).toMatch(/^\$\{NATS_PASSWORD_[A-Z_]+:\?/);
      }
    }
    expect(read('deploy/nats/cluster.conf')).toMatch(/^include \.\/users\.conf$/m);
  });

  it('runs the orders workers pinned, and promotes their version once they poll', () => {
    const orders = compose.services.orders ?? {};
    expect(environmentOf(orders).WORKER_VERSIONING).toBe('pinned');
    const promote = compose.services['orders-promote'] ?? {};
    expect(promote.command?.slice(0, 4)).toEqual(['node', '--import', 'tsx', 'src/cli/workers-promote.ts']);
    expect(
      (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['workers:promote'],
    ).toContain('src/cli/workers-promote.ts');
    expect(promote.depends_on).toHaveProperty('orders.condition', 'service_healthy');
    // The same bundle file, so the promoted build id is the one the orders containers registered.
    expect(environmentOf(promote).WORKFLOW_BUNDLE).toBe(environmentOf(orders).WORKFLOW_BUNDLE);
    expect(environmentOf(promote).TEMPORAL_ADDRESS).toBe(environmentOf(orders).TEMPORAL_ADDRESS);
  });

  it('runs Prometheus on the alert rules, scraping every role container and both Temporal servers', () => {
    const prometheus = compose.services.prometheus ?? {};
    expect(prometheus.command).toContain('--config.file=/etc/prometheus/compose.yml');
    expect(prometheus.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    const config = parse(read('deploy/prometheus/compose.yml')) as {
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        dns_sd_configs?: { names: string[]; port: number }[];
        static_configs?: { targets: string[] }[];
      }[];
    };
    expect(config.rule_files).toEqual(['alerts.yml']);
    const roles = config.scrape_configs.find((c) => c.job_name === 'order-saga')?.dns_sd_configs?.[0];
    expect(roles?.names.sort()).toEqual(appServices.map(([name]) => name).sort());
    for (const [name, service] of appServices)
      expect(environmentOf(service).METRICS_PORT, name).toBe(String(roles?.port));
    const servers = config.scrape_configs.find((c) => c.job_name === 'temporal')?.static_configs?.[0]?.targets;
    const endpoint = environmentOf(compose.services['temporal-1'] ?? {}).PROMETHEUS_ENDPOINT ?? '';
    expect(servers).toEqual(['temporal-1', 'temporal-2'].map((n) => `${n}:${endpoint.split(':')[1]}`));
  });

  it('points the Web UI at the API’s codec endpoint, with the browser’s credentials', () => {
    const ui = environmentOf(compose.services['temporal-ui'] ?? {});
    expect(ui.TEMPORAL_CODEC_ENDPOINT).toBe('${API_PUBLIC_URL:-http://localhost:3000}/codec');
    expect(ui.TEMPORAL_CODEC_INCLUDE_CREDENTIALS).toBe('true');
  });

  it('scales workers and subscribers with replicas, and runs two API services behind the load balancer', () => {
    const apis = appServices.filter(([, s]) => roleOf(s) === 'api');
    expect(apis.map(([name]) => name)).toEqual(['api-1', 'api-2']);
    for (const [name, service] of appServices) {
      if (roleOf(service) === 'api') {
        expect(service.deploy?.replicas, name).toBeUndefined();
        expect((service as { ports?: unknown }).ports, `${name} is reached through haproxy only`).toBeUndefined();
      } else expect(Number(service.deploy?.replicas), name).toBeGreaterThanOrEqual(2);
    }
    // Without one key set for both, a token signed by one API container is refused by the other half the time.
    for (const [name, service] of apis) {
      const mounts = (service.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:?`));
      const env = environmentOf(service);
      expect(env.AUTH_JWKS_URL !== undefined || mounts.includes('api-auth:/app/data/auth'), name).toBe(true);
    }
    // Without one payload key set for all, a worker cannot read the order the API encrypted with its own key.
    for (const [name, service] of appServices) {
      const mounts = (service.volumes ?? []).map((v) => (typeof v === 'string' ? v : `${v.source}:?`));
      const env = environmentOf(service);
      expect(env.PAYLOAD_CODEC_KEYS !== undefined || mounts.includes('payload-keys:/app/data/codec'), name).toBe(true);
    }
    const haproxy = environmentOf(compose.services.haproxy ?? {});
    expect([haproxy.API_1_ADDRESS, haproxy.API_2_ADDRESS]).toEqual(['api-1:3000', 'api-2:3000']);
    for (const [name, service] of appServices)
      expect(environmentOf(service).TEMPORAL_ADDRESS, name).toBe('haproxy:7233');
  });

  it('gives each service that owns data its own PostgreSQL role, schema and URL', () => {
    const initSql = read('deploy/postgres/init.sql');
    for (const role of ['orders', 'payments', 'inventory', 'shipping', 'notifications', 'analytics']) {
      const [, service] = appServices.find(([, s]) => roleOf(s) === role) ?? [];
      const url = new URL(interpolate(environmentOf(service ?? {}).DATABASE_URL ?? ''));
      expect(url.username, role).toBe(role);
      expect(initSql).toContain(`create schema ${role} authorization ${role};`);
    }
    // The order-read-model processes log in as the analytics role, which owns the order read model's schema.
    expect(initSql).toContain('create schema order_read_model authorization analytics;');
  });

  it('lets the API log in as a role that may only read the read models and the inventory', () => {
    const initSql = read('deploy/postgres/init.sql');
    const [, api] = appServices.find(([, s]) => roleOf(s) === 'api') ?? [];
    const url = new URL(interpolate(environmentOf(api ?? {}).DATABASE_URL ?? ''));
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
    for (const [name, service] of appServices) {
      const port = environmentOf(service).METRICS_PORT;
      expect(JSON.stringify(service.healthcheck?.test), name).toContain(`http://127.0.0.1:${port}/readyz`);
    }
  });

  it('mounts files that exist', () => {
    for (const [name, service] of services) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        // The certificates are made on each machine (deploy/make-certs.sh) into a git-ignored folder.
        if (source?.startsWith('./deploy/certs')) {
          expect(existsSync(join(root, 'deploy/make-certs.sh')), name).toBe(true);
          expect(read('.gitignore')).toMatch(/^\/deploy\/certs\/$/m);
        } else if (source?.startsWith('./')) expect(existsSync(join(root, source)), `${name}: ${source}`).toBe(true);
      }
    }
  });

  it('runs NATS as a three-node JetStream cluster with file storage synced on every write, and three replicas', () => {
    const nodes = services.filter(([, s]) => s.image?.startsWith('nats:'));
    expect(nodes.map(([name]) => name)).toEqual(['nats-1', 'nats-2', 'nats-3']);
    const cluster = read('deploy/nats/cluster.conf');
    expect(cluster).toMatch(/^\s*sync_interval: always$/m);
    expect(cluster).toMatch(/^\s*store_dir: /m);
    for (const [name, service] of nodes) {
      expect(read(`deploy/nats/${name}.conf`)).toMatch(new RegExp(`^server_name: ${name}$`, 'm'));
      expect(environmentOf(service).NATS_ROUTES, name).toBe(
        `[${nodes.map(([node]) => `nats-route://${node}:6222`).join(', ')}]`,
      );
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

  describe('and `npm run cluster`, which runs the same topology from the same files', () => {
    const port = { next: 20_000 };
    const layout: Promise<ClusterLayout> = planCluster(
      {
        dataDir: '/tmp/order-saga-compose-test',
        apiPort: 3000,
        temporalPort: 7233,
        uiPort: 8080,
        natsPorts: [4222, 4223, 4224],
        processesPerRole: 2,
        historyShards: 4,
      },
      { free: () => Promise.resolve(port.next++), freeBelow32768: () => Promise.resolve(port.next++) },
    );
    const mounts = (service: Service) =>
      (service.volumes ?? []).flatMap((v) => (typeof v === 'string' ? [v.split(':').slice(0, 2)] : []));
    const mountedAt = (service: string, file: string): string | undefined => {
      const relative = `./${file.slice(root.length + 1)}`;
      for (const [source, target] of mounts(compose.services[service] ?? {})) {
        if (relative === source) return target;
        if (source && relative.startsWith(`${source}/`)) return `${target}${relative.slice(source.length)}`;
      }
      return undefined;
    };

    it('pins the server versions the runner builds', () => {
      const images = services.map(([, s]) => s.image ?? '');
      expect(images).toContain(`temporalio/server:${versions.temporalServer}`);
      expect(images).toContain(`temporalio/admin-tools:${versions.temporalServer}`);
      expect(images).toContain(`temporalio/ui:${versions.temporalUiServer}`);
      expect(images).toContain(`nats:${versions.natsServer}-alpine`);
      expect(images.filter((i) => /^(temporalio|nats)/.test(i)).every((i) => !i.endsWith(':latest'))).toBe(true);
    });

    it('mounts every server configuration file the runner reads', () => {
      expect(mountedAt('postgres', deployFiles.postgresInit)).toBe(
        environmentOf(compose.services.postgres ?? {}).ORDER_SAGA_INIT_SQL,
      );
      expect(mountedAt('postgres', deployFiles.postgresInitScript)).toMatch(/^\/docker-entrypoint-initdb\.d\/.+\.sh$/);
      expect(mountedAt('temporal-schema', deployFiles.temporalSetupSchema)).toBe('/deploy/setup-schema.sh');
      expect(mountedAt('temporal-init', deployFiles.temporalInit)).toBe('/deploy/init.sh');
      for (const node of ['temporal-1', 'temporal-2']) {
        const dir = mountedAt(node, deployFiles.temporalConfigDir);
        expect(dir, node).toBe(environmentOf(compose.services[node] ?? {}).TEMPORAL_CONFIG_DIR);
      }
      expect(mountedAt('haproxy', deployFiles.haproxy)).toBe('/usr/local/etc/haproxy/haproxy.cfg');
      for (const n of [1, 2, 3]) {
        const target = mountedAt(`nats-${n}`, deployFiles.natsNode(n));
        expect(JSON.stringify(compose.services[`nats-${n}`]?.command)).toContain(target ?? 'not mounted');
      }
    });

    it('sets every variable the shared files read, in compose and in the runner', async () => {
      const plan = await layout;
      /** The names a file reads, outside its comments (the Temporal template's comments are YAML `#` lines too). */
      const variables = (file: string, pattern: RegExp) => [
        ...new Set(
          [
            ...readFileSync(file, 'utf8')
              .replace(/^\s*#.*$/gm, '')
              .matchAll(pattern),
          ].map((m) => String(m[1])),
        ),
      ];
      // `$NAME` (nats-server), `"${NAME}"` (HAProxy), `{{ env "NAME"` without a default (Temporal's template).
      const natsVars = variables(join(root, 'deploy/nats/cluster.conf'), /\$([A-Z_]+)/g);
      const haproxyVars = variables(deployFiles.haproxy, /"\$\{([A-Z0-9_]+)\}"/g);
      const temporalRequired = variables(
        join(deployFiles.temporalConfigDir, 'order-saga.yaml'),
        /\{\{ env "([A-Z_]+)"/g,
      );
      expect(natsVars).toHaveLength(6);
      expect(haproxyVars).toHaveLength(6);
      expect(temporalRequired).toEqual(
        expect.arrayContaining(['POSTGRES_SEEDS', 'POSTGRES_PWD', 'TEMPORAL_ADDRESS', 'TEMPORAL_CONFIG_DIR']),
      );
      const usersVars = variables(join(root, 'deploy/nats/users.conf'), /password: \$([A-Z_]+)/g);
      expect(usersVars).toHaveLength(natsUsers.length);
      for (const n of [1, 2, 3]) {
        const composeEnv = environmentOf(compose.services[`nats-${n}`] ?? {});
        const runnerEnv = natsNodeEnv(plan, n - 1);
        for (const name of [...natsVars, ...usersVars]) {
          expect(composeEnv, `nats-${n}: ${name}`).toHaveProperty(name);
          expect(runnerEnv, `runner nats-${n}: ${name}`).toHaveProperty(name);
        }
      }
      const haproxy = environmentOf(compose.services.haproxy ?? {});
      for (const name of haproxyVars) {
        expect(haproxy, String(name)).toHaveProperty(name);
        expect(haproxyEnv(plan), `runner: ${name}`).toHaveProperty(name);
      }
      for (const [i, node] of ['temporal-1', 'temporal-2'].entries()) {
        const composeEnv = environmentOf(compose.services[node] ?? {});
        for (const name of temporalRequired) {
          // The broadcast address is the container's own, worked out at start (compose's command); locally BIND_ON_IP.
          if (name === 'TEMPORAL_BROADCAST_ADDRESS') {
            expect(JSON.stringify(compose.services[node]?.command)).toContain('TEMPORAL_BROADCAST_ADDRESS');
            continue;
          }
          expect(composeEnv, `${node}: ${name}`).toHaveProperty(name);
          expect(temporalNodeEnv(plan, i), `runner ${node}: ${name}`).toHaveProperty(name);
        }
        expect(composeEnv.NUM_HISTORY_SHARDS, node).toBe(String(plan.settings.historyShards));
      }
    });

    it('points its Web UI at the API’s codec endpoint with the browser’s credentials, as compose does', async () => {
      const plan = await layout;
      const composeUi = environmentOf(compose.services['temporal-ui'] ?? {});
      const runnerUi = temporalUiEnv(plan);
      for (const name of ['TEMPORAL_CODEC_ENDPOINT', 'TEMPORAL_CODEC_INCLUDE_CREDENTIALS', 'TEMPORAL_CORS_ORIGINS']) {
        expect(runnerUi[name], `runner: ${name}`).toBe(interpolate(composeUi[name] ?? ''));
      }
      // The variables the ui-server's own docker.yaml reads for them (the same file the image runs).
      const dockerYaml = readFileSync(join(dirname(resolveTemporalUiServer()), 'config', 'docker.yaml'), 'utf8');
      expect(dockerYaml).toMatch(/^\s*endpoint: \{\{ env "TEMPORAL_CODEC_ENDPOINT"/m);
      expect(dockerYaml).toMatch(/^\s*includeCredentials: \{\{ env "TEMPORAL_CODEC_INCLUDE_CREDENTIALS"/m);
    });

    it('gives each role the login and settings compose gives it', async () => {
      const plan = await layout;
      for (const [name, service] of appServices) {
        const role = roleOf(service) as (typeof roleNames)[number];
        const env = environmentOf(service);
        const processPlan = plan.processes.find((p) => p.role === role);
        expect(processPlan, name).toBeDefined();
        const runner = roleEnv(plan, processPlan!, {});
        const login = env.DATABASE_URL ? new URL(interpolate(env.DATABASE_URL)).username : undefined;
        expect(roleLogins[role], name).toBe(login);
        expect(runner.DATABASE_URL ? new URL(runner.DATABASE_URL).username : undefined, name).toBe(login);
        for (const [key, value] of Object.entries({ ...sharedRoleEnvironment, ...roleEnvironment[role] })) {
          expect(env[key], `${name}: ${key}`).toBe(value);
          expect(runner[key], `runner ${name}: ${key}`).toBe(value);
        }
        expect(runner.NATS_URL?.split(','), name).toHaveLength(env.NATS_URL?.split(',').length ?? 0);
        expect(runner.NATS_USER, name).toBe(env.NATS_USER);
        expect(runner.NATS_PASSWORD, name).toBe(natsNodeEnv(plan, 0)[natsPasswordVariable(role)]);
      }
    });
  });
});
