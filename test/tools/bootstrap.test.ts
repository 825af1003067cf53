// Bad setup fails fast with a single-line cause: no Go or Python to build a missing server, an override that points
// nowhere, a module the proxy cannot build, a taken port, a server that dies at start.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startNatsServer } from '../../src/servers/nats-server.js';
import { freePort } from '../../src/servers/ports.js';
import { startServerProcess } from '../../src/servers/server-process.js';
import { resolveNatsServer } from '../../tools/servers.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'order-saga-bootstrap-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the bootstrap with the given arguments and environment; returns its exit code and stderr lines. */
function bootstrap(args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(process.execPath, ['tools/bootstrap.mjs', ...args], { env, encoding: 'utf8' });
  return { status: result.status, lines: result.stderr.trim().split('\n') };
}

/** A PATH holding only node (and sh, which Node's child processes need): no Go, no Python, no apt-get. */
function bareEnv(): NodeJS.ProcessEnv {
  const bin = join(scratch, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin, { recursive: true });
    symlinkSync(process.execPath, join(bin, 'node'));
    symlinkSync('/bin/sh', join(bin, 'sh'));
  }
  return { PATH: bin, HOME: scratch, ORDER_SAGA_CACHE_DIR: join(scratch, 'empty-cache') };
}

describe('bootstrap', () => {
  it('names the missing Go toolchain when a server is not cached', () => {
    const { status, lines } = bootstrap([], bareEnv());
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/temporal 1\.5\.1 is not cached and Go is not installed: install Go .*TEMPORAL_CLI_PATH/);
  });

  it('names the missing Go toolchain for a server built in a tools module', () => {
    const { status, lines } = bootstrap(['--need', 'jaeger'], bareEnv());
    expect(status).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(/jaeger 1\.76\.0 is not cached and Go is not installed: install Go .*JAEGER_PATH/),
    ]);
  });

  it('names the missing Python when Schemathesis is not cached', () => {
    const { status, lines } = bootstrap(['--need', 'schemathesis'], bareEnv());
    expect(status).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(
        /schemathesis 4\.32\.5 is not cached and python3 with venv is missing: .*SCHEMATHESIS_PATH/,
      ),
    ]);
  });

  it('rejects an override that points nowhere', () => {
    const result = spawnSync(process.execPath, ['tools/bootstrap.mjs'], {
      env: { ...process.env, TEMPORAL_CLI_PATH: '/nonexistent/temporal' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('TEMPORAL_CLI_PATH=/nonexistent/temporal does not exist');
  });

  it.each([
    ['jaeger', 'JAEGER_PATH'],
    ['temporal-server', 'TEMPORAL_SERVER_PATH'],
    ['temporal-sql-tool', 'TEMPORAL_SQL_TOOL_PATH'],
    ['temporal-schema', 'TEMPORAL_SCHEMA_DIR'],
    ['temporal-ui-server', 'TEMPORAL_UI_SERVER_PATH'],
    ['haproxy', 'HAPROXY_PATH'],
    ['promtool', 'PROMTOOL_PATH'],
    ['prometheus', 'PROMETHEUS_PATH'],
    ['chromium', 'CHROMIUM_PATH'],
    ['schemathesis', 'SCHEMATHESIS_PATH'],
  ])('rejects a %s override that points nowhere, in one line naming %s', (server, envVar) => {
    // An empty cache: were the override ignored, the bootstrap would go on to build and fail differently.
    const { status, lines } = bootstrap(['--need', server], { ...bareEnv(), [envVar]: '/nonexistent/x' });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(`^\\[bootstrap\\] error: ${envVar}=/nonexistent/x does not exist; point it at .+ or unset it$`),
    );
  });

  it('names the Debian package and the override when a Debian binary is missing and cannot be installed', () => {
    const script = [
      "import { resolveDebianBinary } from './tools/debian.mjs';",
      "resolveDebianBinary({ binary: 'no-such-lb', pkg: 'no-such-lb-pkg', paths: ['/nonexistent/no-such-lb'], envVar: 'NO_SUCH_LB_PATH', elsewhere: 'macOS: brew install no-such-lb' }, {});",
    ].join('\n');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: bareEnv(),
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      "no-such-lb not found: install Debian's no-such-lb-pkg package (apt-get install no-such-lb-pkg; macOS: brew install no-such-lb), or set NO_SUCH_LB_PATH to a no-such-lb binary",
    );
  });
});

describe('tools-module builds', () => {
  it('refuses a module whose folder replacement is missing from its download, naming both', () => {
    // Temporal CLI 1.6.2 replaces its nested module cliext with ./cliext, which the proxy's zip leaves out.
    const script = [
      "import { goBuildWithToolsModule } from './tools/go-build.mjs';",
      'goBuildWithToolsModule({',
      "  name: 'temporal', module: 'github.com/temporalio/cli', version: '1.6.2',",
      "  binaries: [{ pkg: 'github.com/temporalio/cli/cmd/temporal', binary: 'temporal' }], hint: 'set TEMPORAL_CLI_PATH',",
      '});',
    ].join('\n');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, ORDER_SAGA_CACHE_DIR: join(scratch, 'cli-cache') },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(
      'github.com/temporalio/cli@v1.6.2 replaces github.com/temporalio/cli/cliext with ./cliext, which its module download does not contain, ' +
        'so it cannot be built from the Go module proxy; set TEMPORAL_CLI_PATH',
    );
    expect(existsSync(join(scratch, 'cli-cache', 'temporal-1.6.2'))).toBe(false);
  }, 120_000);
});

describe('server start-up', () => {
  it('refuses a port that is already taken, naming it', async () => {
    const port = await freePort();
    const holder: Server = createServer().listen(port, '127.0.0.1');
    await new Promise((r) => holder.once('listening', r));
    try {
      await expect(
        startNatsServer({ port, monitorPort: await freePort(), storeDir: join(scratch, 'nats') }),
      ).rejects.toThrow(`nats-server: port ${port} is already in use`);
    } finally {
      holder.close();
    }
  });

  it('reports a server that exits during start-up with its last words', async () => {
    await expect(
      startServerProcess({
        name: 'nats-server',
        binary: resolveNatsServer(),
        args: ['--no-such-flag'],
        ports: [],
        ready: () => Promise.resolve(false),
        timeoutMs: 10_000,
      }),
    ).rejects.toThrow(/nats-server exited during start-up: .*no-such-flag/);
  });
});
