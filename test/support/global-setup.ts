// Starts the real Temporal dev server and a real nats-server once for the whole suite, on free ports, and stops them after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startNatsServer } from '../../src/servers/nats-server.js';
import { freePort } from '../../src/servers/ports.js';
import { startTemporalDevServer } from '../../src/servers/temporal-dev-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    natsUrl: string;
    natsMonitorUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'order-saga-test-'));
  const [temporal, nats] = await Promise.all([
    startTemporalDevServer({ port: await freePort() }),
    startNatsServer({ port: await freePort(), monitorPort: await freePort(), storeDir: join(dir, 'nats') }),
  ]);
  project.provide('temporalAddress', temporal.address);
  project.provide('natsUrl', nats.url);
  project.provide('natsMonitorUrl', nats.monitorUrl);
  return async () => {
    await Promise.allSettled([temporal.stop(), nats.stop()]);
    await rm(dir, { recursive: true, force: true });
  };
}
