// Bad setup fails fast with a single-line cause: no Go to build a missing server, a taken port, a server that dies at start.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
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

describe('bootstrap', () => {
  it('names the missing Go toolchain when a server is not cached', () => {
    const bin = join(scratch, 'bin');
    spawnSync('mkdir', ['-p', bin]);
    symlinkSync(process.execPath, join(bin, 'node'));
    const result = spawnSync(process.execPath, ['tools/bootstrap.mjs'], {
      env: { PATH: bin, HOME: scratch, ORDER_SAGA_CACHE_DIR: join(scratch, 'empty-cache') },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/temporal 1\.5\.1 is not cached and Go is not installed: install Go .*TEMPORAL_CLI_PATH/);
  });

  it('rejects an override that points nowhere', () => {
    const result = spawnSync(process.execPath, ['tools/bootstrap.mjs'], {
      env: { ...process.env, TEMPORAL_CLI_PATH: '/nonexistent/temporal' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('TEMPORAL_CLI_PATH=/nonexistent/temporal does not exist');
  });
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
