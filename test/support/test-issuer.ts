// The suite's token issuer: the product's local keys in a folder of their own, their JWKS served over real HTTP.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import { openLocalKeys } from '../../src/api/auth/api-auth.js';
import { jwksRoutes } from '../../src/api/routes/jwks.js';
import { loadConfig } from '../../src/config/env.js';

export interface TestIssuer {
  /** Where the API under test fetches the keys (`AUTH_JWKS_URL`). */
  jwksUrl: string;
  /** The `DATA_DIR` whose `auth/keys.json` signs the tests' tokens (test/api/support/tokens.ts). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Route tests build the app without listening (`app.request`), so the app cannot fetch its own key set; this
 * issuer is the same key store and the same JWKS route on a port of its own, and the app verifies every token
 * through it with the production verifier, over HTTP, exactly as against an identity provider.
 */
export async function startTestIssuer(dataDir: string): Promise<TestIssuer> {
  const keys = await openLocalKeys(loadConfig({ DATA_DIR: dataDir }));
  const server = createAdaptorServer({ fetch: jwksRoutes(keys).fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    dataDir,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
