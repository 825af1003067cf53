// A server a crashed main command left running is recognised by its pid file and stopped; anyone else's process is not.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNatsServer } from '../../src/servers/nats-server.js';
import { readPidRecord, stopLeftBehind } from '../../src/servers/pid-file.js';
import { freePort } from '../../src/servers/ports.js';
import { processIdentity } from '../../src/servers/process-identity.js';
import { processExists } from '../support/processes.js';
import { waitFor } from '../support/wait-for.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const childScript = 'test/servers/support/start-nats-child.ts';

let dir: string;
const children: ChildProcess[] = [];
const serverPids: number[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'order-saga-left-behind-'));
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const pid of serverPids) if (processExists(pid)) process.kill(pid, 'SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Starts nats-server from a child process (a main command of its own) and resolves with both pids once ready. */
async function startInChild(name: string, dieWithParent: boolean) {
  const pidFile = join(dir, name, 'run', 'nats-server.json');
  const ports = [await freePort(), await freePort()] as const;
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', childScript, pidFile, ...ports.map(String), join(dir, name, 'nats'), dieWithParent ? '1' : '0'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  const serverPid = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^ready (\d+)$/.exec(line);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}) before nats-server was ready`)));
  });
  serverPids.push(serverPid);
  return { child, serverPid, pidFile, ports };
}

/** Alive and not a zombie: an orphan that exited stays a zombie until whoever adopted it reaps it. */
const alive = (pid: number) => processIdentity(pid) !== undefined;

const killHard = async (child: ChildProcess) => {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
};

describe('a server left running by a main command killed with kill -9', () => {
  it('is recorded by pid, start time and command, and stopped by the next start, which then gets its ports', async () => {
    const { child, serverPid, pidFile, ports } = await startInChild('orphan', false);
    const record = readPidRecord(pidFile);
    expect(record).toMatchObject({ name: 'nats-server', pid: serverPid, owner: { pid: child.pid } });
    expect(record?.startTime).toBe(processIdentity(serverPid)?.startTime);

    await killHard(child);
    expect(alive(serverPid), 'the server outlived its main command').toBe(true);
    // What the next start would run into without the record.
    await expect(
      startNatsServer({ port: ports[0], monitorPort: ports[1], storeDir: join(dir, 'orphan', 'nats') }),
    ).rejects.toThrow(/port \d+ is already in use/);

    expect(await stopLeftBehind(pidFile)).toMatchObject({ kind: 'stopped', signal: 'SIGTERM' });
    expect(alive(serverPid)).toBe(false);
    const again = await startNatsServer({
      port: ports[0],
      monitorPort: ports[1],
      storeDir: join(dir, 'orphan', 'nats'),
      pidFile,
    });
    serverPids.push(again.pid ?? 0);
    expect(readPidRecord(pidFile)?.pid).toBe(again.pid);
    await again.stop();
    expect(readPidRecord(pidFile), 'a clean stop removes the record').toBeUndefined();
  });

  it('dies with its main command where the system allows it (Linux: a parent-death signal)', async () => {
    const { child, serverPid } = await startInChild('dies-with-parent', true);
    await killHard(child);
    await waitFor(() => !alive(serverPid), { timeoutMs: 15_000, what: 'nats-server to stop with its parent' });
  });
});

describe('what is not ours is left alone', () => {
  it('a server whose main command still runs is in use: the start is refused on one line, the server untouched', async () => {
    const { serverPid, pidFile } = await startInChild('in-use', false);
    await expect(stopLeftBehind(pidFile)).rejects.toThrow(
      /^nats-server: already running \(pid \d+\) for another main command/,
    );
    expect(alive(serverPid)).toBe(true);
  });

  it('a record whose pid now belongs to another process is only removed', async () => {
    const pidFile = join(dir, 'stale', 'nats-server.json');
    await mkdir(join(dir, 'stale'), { recursive: true });
    // This very test process, under the name of a server that was started at another time.
    const stale = {
      name: 'nats-server',
      pid: process.pid,
      startTime: '1',
      binary: process.execPath,
      args: [],
      owner: { pid: 999_999_999, startTime: '1', command: 'node' },
    };
    await writeFile(pidFile, JSON.stringify(stale));
    expect(await stopLeftBehind(pidFile)).toMatchObject({ kind: 'stale' });
    expect(readPidRecord(pidFile)).toBeUndefined();
  });

  it('a foreign process on the port is still reported on one line', async () => {
    const port = await freePort();
    const foreign = createServer();
    await new Promise<void>((resolve) => foreign.listen(port, '127.0.0.1', resolve));
    try {
      const error = await startNatsServer({
        port,
        monitorPort: await freePort(),
        storeDir: join(dir, 'foreign'),
      }).catch((e: unknown) => e as Error);
      expect(String((error as Error).message)).toMatch(/^nats-server: port \d+ is already in use; [^\n]+$/);
    } finally {
      foreign.close();
    }
  });
});
