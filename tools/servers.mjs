// Finds or builds the servers that come from package registries (the Go module proxy, Maven Central) and caches them
// outside the clone: the Temporal CLI, nats-server, the Java time-skipping test server, Temporal's own server with its
// SQL schema tool and schemas, the Temporal UI server, and Jaeger.
//
// Plain JavaScript on purpose: it runs before `npm ci` has installed anything. Resolution order for each
// server: an explicit environment variable, then the cache (keyed by version), then a build from the
// package registries this project may reach (Go module proxy, Maven Central), then a documented fallback.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyFromModule, goBuildWithToolsModule, goInstall } from './go-build.mjs';
import { ProvisionError, buildInto, cacheRoot, commandWorks, fromEnv, onPath, versionOf } from './provision.mjs';

export { ProvisionError, cacheRoot, versionOf };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const testServerPom = join(repoRoot, 'tools', 'test-server', 'pom.xml');

/** Pinned versions: the cache is keyed by them, so bumping one here rebuilds just that server. */
export const versions = {
  /**
   * 1.5.1 (dev server 1.29.1) is the newest release that builds from the Go module proxy: from 1.6.0 on, the CLI
   * needs its nested module `github.com/temporalio/cli/cliext` through a folder `replace`, and that module is in
   * neither the CLI's module download nor the proxy.
   */
  temporalCli: '1.5.1',
  /** Newest stable nats-server v2 on the Go module proxy when this was pinned. */
  natsServer: '2.15.3',
  testServer: readTestServerVersion(),
  /**
   * Temporal's own server and SQL schema tool, the same release as compose's `temporalio/server` and
   * `temporalio/admin-tools` images, and as the dev server the CLI above embeds: one set of versions everywhere.
   */
  temporalServer: '1.29.1',
  /** The Temporal UI server, the same release as compose's `temporalio/ui` image (built from this module's tag). */
  temporalUiServer: '2.42.1',
  /** Jaeger's all-in-one binary (the v2 line's `jaeger`, from the module's v1 tag of the same release). */
  jaeger: '1.76.0',
  /** The property-based OpenAPI tester, from PyPI (tools/schemathesis.mjs). */
  schemathesis: '4.32.5',
};

function readTestServerVersion() {
  const pom = readFileSync(testServerPom, 'utf8');
  const match = /<temporal\.test-server\.version>([^<]+)</.exec(pom);
  if (!match?.[1]) throw new ProvisionError(`cannot read temporal.test-server.version from ${testServerPom}`);
  return match[1];
}

/** @typedef {{ log?: (line: string) => void }} ResolveOptions */

/**
 * The Temporal CLI, which runs the dev server with its embedded Web UI.
 * @param {ResolveOptions} [options]
 */
export function resolveTemporalCli({ log = () => {} } = {}) {
  const explicit = fromEnv('TEMPORAL_CLI_PATH', 'the temporal executable');
  if (explicit) return explicit;
  const dir = goInstall({
    name: 'temporal',
    module: 'github.com/temporalio/cli',
    version: versions.temporalCli,
    binaries: [{ pkg: 'github.com/temporalio/cli/cmd/temporal', binary: 'temporal' }],
    hint: 'set TEMPORAL_CLI_PATH to a temporal CLI binary',
    log,
  });
  return join(dir, 'temporal');
}

/**
 * nats-server with JetStream. Falls back to a nats-server on PATH (Debian's package is 2.9) when Go cannot build it.
 * @param {ResolveOptions} [options]
 */
export function resolveNatsServer({ log = () => {} } = {}) {
  const explicit = fromEnv('NATS_SERVER_PATH', 'the nats-server executable');
  if (explicit) return explicit;
  try {
    const dir = goInstall({
      name: 'nats-server',
      module: 'github.com/nats-io/nats-server/v2',
      version: versions.natsServer,
      binaries: [{ pkg: 'github.com/nats-io/nats-server/v2', binary: 'nats-server' }],
      hint: 'set NATS_SERVER_PATH to a nats-server 2.10+ binary',
      log,
    });
    return join(dir, 'nats-server');
  } catch (error) {
    const found = onPath('nats-server');
    // The subscribers' consumers filter on several subjects, which needs a 2.10 server or newer.
    const version = found ? /v?(\d+)\.(\d+)/.exec(versionOf(found)) : null;
    if (found && version && (Number(version[1]) > 2 || (Number(version[1]) === 2 && Number(version[2]) >= 10))) {
      log(`warning: using ${found} from PATH (${error instanceof Error ? error.message : String(error)})`);
      return found;
    }
    if (found) log(`warning: ${found} is ${versionOf(found)}, older than the 2.10 this project needs`);
    throw error;
  }
}

/**
 * Temporal's own server (`temporal-server`), its SQL schema tool (`temporal-sql-tool`) and the schema folder the tool
 * applies (`schema/postgresql/v12/temporal/versioned` and the others, copied from the module's source), in one cache
 * entry because they are one release. Built the way Temporal's Makefile builds its release binaries.
 * @param {ResolveOptions} options
 */
function temporalServerEntry({ log = () => {} }) {
  return goInstall({
    name: 'temporal-server',
    module: 'go.temporal.io/server',
    version: versions.temporalServer,
    binaries: [
      { pkg: 'go.temporal.io/server/cmd/server', binary: 'temporal-server' },
      { pkg: 'go.temporal.io/server/cmd/tools/sql', binary: 'temporal-sql-tool' },
    ],
    hint: 'set TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH and TEMPORAL_SCHEMA_DIR to a Temporal server release',
    cgo: false,
    flags: () => ['-tags', 'disable_grpc_modules'],
    after: (tmp, source) => copyFromModule(source, 'schema', join(tmp, 'schema')),
    log,
  });
}

/**
 * Temporal's server, for the cluster (`temporal-server --config <dir> --env <name> start`).
 * @param {ResolveOptions} [options]
 */
export function resolveTemporalServer(options = {}) {
  return (
    fromEnv('TEMPORAL_SERVER_PATH', 'the temporal-server executable') ??
    join(temporalServerEntry(options), 'temporal-server')
  );
}

/**
 * Temporal's SQL schema tool, which creates and upgrades the cluster's PostgreSQL schemas.
 * @param {ResolveOptions} [options]
 */
export function resolveTemporalSqlTool(options = {}) {
  return (
    fromEnv('TEMPORAL_SQL_TOOL_PATH', 'the temporal-sql-tool executable') ??
    join(temporalServerEntry(options), 'temporal-sql-tool')
  );
}

/**
 * The schema folder of the same Temporal release, for `temporal-sql-tool update-schema --schema-dir
 * <dir>/postgresql/v12/temporal/versioned` (and `.../visibility/versioned`).
 * @param {ResolveOptions} [options]
 */
export function resolveTemporalSchemaDir(options = {}) {
  return (
    fromEnv('TEMPORAL_SCHEMA_DIR', "the schema folder of Temporal's source") ??
    join(temporalServerEntry(options), 'schema')
  );
}

/**
 * The Temporal UI server (the Web UI with its assets embedded), pointed at the cluster's frontend. Its module has no
 * `replace` directive, so `go install` builds it. The module's `config/` folder comes along for
 * `temporal-ui-server --root <entry> --env docker start`, the configuration the `temporalio/ui` image runs on.
 * @param {ResolveOptions} [options]
 */
export function resolveTemporalUiServer({ log = () => {} } = {}) {
  const explicit = fromEnv('TEMPORAL_UI_SERVER_PATH', 'the temporal-ui-server executable');
  if (explicit) return explicit;
  const dir = goInstall({
    name: 'temporal-ui-server',
    module: 'github.com/temporalio/ui-server/v2',
    version: versions.temporalUiServer,
    binaries: [{ pkg: 'github.com/temporalio/ui-server/v2/cmd/server', binary: 'temporal-ui-server' }],
    hint: 'set TEMPORAL_UI_SERVER_PATH to a Temporal UI server binary',
    cgo: false,
    after: (tmp, source) => copyFromModule(source, 'config', join(tmp, 'config')),
    log,
  });
  return join(dir, 'temporal-ui-server');
}

/**
 * Jaeger's all-in-one binary (collector, query API, badger or memory storage). Its module carries a `replace`
 * directive, so it is built in a tools module. The module has no built UI assets: the binary serves the query API
 * and a placeholder page where the UI would be.
 * @param {ResolveOptions} [options]
 */
export function resolveJaeger({ log = () => {} } = {}) {
  const explicit = fromEnv('JAEGER_PATH', 'the jaeger executable');
  if (explicit) return explicit;
  const dir = goBuildWithToolsModule({
    name: 'jaeger',
    module: 'github.com/jaegertracing/jaeger',
    version: versions.jaeger,
    binaries: [{ pkg: 'github.com/jaegertracing/jaeger/cmd/jaeger', binary: 'jaeger' }],
    hint: 'set JAEGER_PATH to a jaeger (v2 all-in-one) binary',
    cgo: false,
    // As Jaeger's release build does, so `jaeger version` names what this is.
    flags: (source) => [
      '-trimpath',
      '-ldflags',
      `-X github.com/jaegertracing/jaeger/internal/version.latestVersion=v${source.version}`,
    ],
    log,
  });
  return join(dir, 'jaeger');
}

/**
 * A launcher script for Temporal's Java time-skipping test server, taking `<port> --enable-time-skipping`
 * like the SDK expects of an `existing-path` executable. Returns undefined when Java or Maven is missing,
 * so the caller may fall back to the SDK's own download on a machine with internet access.
 * @param {{ log?: (line: string) => void }} [options]
 * @returns {string | undefined}
 */
export function resolveTestServer({ log = () => {} } = {}) {
  const explicit = fromEnv('TEMPORAL_TEST_SERVER_PATH', 'the time-skipping test server launcher');
  if (explicit) return explicit;
  // Keyed by the pom's content too, so a changed dependency list (not only the version) refetches.
  const pomHash = createHash('sha256').update(readFileSync(testServerPom)).digest('hex').slice(0, 8);
  const dir = join(cacheRoot(), `temporal-test-server-${versions.testServer}-${pomHash}`);
  const launcher = join(dir, 'temporal-test-server');
  if (existsSync(launcher) && readdirSync(join(dir, 'lib')).length > 0) return launcher;
  if (!commandWorks('java', ['-version'])) {
    log(
      'warning: Java is not installed; the time-skipping tests will try the SDK download (needs internet). Install a JDK 17+ and Maven to run offline.',
    );
    return undefined;
  }
  if (!commandWorks('mvn', ['-v'])) {
    log(
      'warning: Maven is not installed; the time-skipping tests will try the SDK download (needs internet). Install Maven to run offline.',
    );
    return undefined;
  }
  log(`fetching the Java time-skipping test server ${versions.testServer} with Maven (first run only)...`);
  buildInto(dir, (tmp) => {
    const result = spawnSync(
      'mvn',
      [
        '-B',
        '-q',
        '-Dstyle.color=never',
        '-f',
        testServerPom,
        'dependency:copy-dependencies',
        `-DoutputDirectory=${join(tmp, 'lib')}`,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (result.status !== 0) {
      throw new ProvisionError(
        `mvn could not fetch io.temporal:temporal-test-server:${versions.testServer} (exit ${result.status}); set TEMPORAL_TEST_SERVER_PATH to a launcher`,
      );
    }
    // Fast JVM start matters: the SDK gives the server about 5 seconds to answer.
    const script = [
      '#!/bin/sh',
      "# Launches Temporal's Java time-skipping test server: <port> --enable-time-skipping",
      'dir=$(cd "$(dirname "$0")" && pwd)',
      'exec java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "$dir/lib/*" io.temporal.testserver.TestServer "$@"',
      '',
    ].join('\n');
    writeFileSync(join(tmp, 'temporal-test-server'), script);
    chmodSync(join(tmp, 'temporal-test-server'), 0o755);
  });
  return launcher;
}
