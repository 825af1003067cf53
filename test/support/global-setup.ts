// Starts the real Temporal dev server, a real nats-server, a throwaway PostgreSQL and the token issuer's JWKS once for
// the whole suite, on free ports, and stops them after.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startNatsServer } from '../../src/servers/nats-server.js';
import { freePort } from '../../src/servers/ports.js';
import { startTemporalDevServer } from '../../src/servers/temporal-dev-server.js';
import { startPostgres } from './postgres.js';
import { startTestIssuer } from './test-issuer.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    natsUrl: string;
    natsMonitorUrl: string;
    /** Superuser URL of the suite's PostgreSQL (test/support/postgres.ts); '' when it could not start. */
    postgresUrl: string;
    /** Why PostgreSQL could not start ('' when it did): the PostgreSQL engine tests fail with it, the rest still run. */
    postgresError: string;
    /** The suite's token issuer (test/support/test-issuer.ts): its JWKS URL, and the data folder with its keys. */
    authJwksUrl: string;
    authDataDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'order-saga-test-'));
  const [temporal, nats, postgres, issuer] = await Promise.all([
    startTemporalDevServer({ port: await freePort() }),
    startNatsServer({ port: await freePort(), monitorPort: await freePort(), storeDir: join(dir, 'nats') }),
    startPostgres().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    startTestIssuer(join(dir, 'issuer')),
  ]);
  project.provide('temporalAddress', temporal.address);
  project.provide('natsUrl', nats.url);
  project.provide('natsMonitorUrl', nats.monitorUrl);
  project.provide('postgresUrl', postgres instanceof Error ? '' : postgres.url);
  project.provide('postgresError', postgres instanceof Error ? postgres.message : '');
  project.provide('authJwksUrl', issuer.jwksUrl);
  project.provide('authDataDir', issuer.dataDir);
  return async () => {
    await Promise.allSettled([
      temporal.stop(),
      nats.stop(),
      issuer.stop(),
      ...(postgres instanceof Error ? [] : [postgres.stop()]),
    ]);
    await rm(dir, { recursive: true, force: true });
  };
}
