// The main command's way: the API is its own issuer (no AUTH_JWKS_URL), with keys in its data folder, served as a JWKS
// and verified through its own URL; `npm run token` prints tokens it accepts; rotation keeps old tokens valid.
import { readFile, stat, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { importJWK, SignJWT } from 'jose';
import type { JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { authenticatorFor } from '../../src/api/auth/api-auth.js';
import { openLocalIssuer } from '../../src/api/auth/local-issuer.js';
import { loadConfig } from '../../src/config/env.js';
import { oneAtATime } from '../../src/read-models/generation.js';
import { freePort } from '../../src/servers/ports.js';
import type { RunningRole } from '../../src/workers/role.js';
import { apiRole } from '../../src/workers/roles/api.js';
import { expectErrorShape, testConfig, testLogger } from './support/api-fixture.js';
import {
  MemoryAnalytics,
  MemoryEventHistory,
  MemoryNotifications,
  MemoryOrderReadModel,
} from './support/memory-ports.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let port: number;
let role: RunningRole;
/** How long a local token may live here, and so how long a rotated-out key stays published (plus the tolerance). */
const maxTtlSeconds = 8;
const toleranceSeconds = 1;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-issuer-'));
  port = await freePort();
  role = await apiRole(() =>
    Promise.resolve({
      orders: new MemoryOrderReadModel(),
      notifications: new MemoryNotifications(),
      analytics: new MemoryAnalytics(),
      events: new MemoryEventHistory(() => []),
    }),
  )({
    // No AUTH_JWKS_URL: the local issuer. An unknown key id may refetch the key set at once (a rotation shows at once).
    config: testConfig({
      AUTH_JWKS_URL: '',
      AUTH_JWKS_COOLDOWN: '0ms',
      AUTH_TOKEN_MAX_TTL: `${maxTtlSeconds}s`,
      AUTH_CLOCK_TOLERANCE: `${toleranceSeconds}s`,
      API_PORT: String(port),
      DATA_DIR: dir,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
    }),
    logger: testLogger(),
    nats: () => Promise.reject(new Error('the API role does not use the shared connection in this test')),
    publisher: () => Promise.reject(new Error('the API publishes nothing')),
    exclusive: oneAtATime(),
  });
});

afterAll(async () => {
  await role?.stop();
  await rm(dir, { recursive: true, force: true });
});

const url = (path: string) => `http://127.0.0.1:${port}${path}`;
const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** `npm run token -- <args>` against this API's data folder; the token is the whole of stdout. */
async function tokenCommand(...args: string[]) {
  const result = await execa('node', ['--import', 'tsx', 'src/cli/token.ts', ...args], {
    cwd: root,
    env: {
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      AUTH_TOKEN_MAX_TTL: `${maxTtlSeconds}s`,
      AUTH_CLOCK_TOLERANCE: `${toleranceSeconds}s`,
      AUTH_JWKS_URL: '',
    },
    reject: false,
  });
  return { ...result, token: result.stdout.trim() };
}

interface KeyFile {
  keys: { kid: string; alg: string; retiredAt?: string; privateJwk: JWK }[];
}
const keyFile = async () => JSON.parse(await readFile(join(dir, 'auth', 'keys.json'), 'utf8')) as KeyFile;
const publishedKids = async () =>
  ((await (await fetch(url('/.well-known/jwks.json'))).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

describe('the local issuer', () => {
  it('creates a signing key in the data folder on first start, readable by its owner only', async () => {
    const file = join(dir, 'auth', 'keys.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'auth'))).mode & 0o777).toBe(0o700);
    expect((await keyFile()).keys).toHaveLength(1);
  });

  it('serves the public keys only, openly, at /.well-known/jwks.json', async () => {
    const res = await fetch(url('/.well-known/jwks.json'));
    expect(res.status).toBe(200);
    const { keys } = (await res.json()) as { keys: Record<string, string>[] };
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      use: 'sig',
      kid: (await keyFile()).keys[0]?.kid,
    });
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(keys[0]).not.toHaveProperty(secret);
  });

  it('accepts what npm run token prints: a customer’s token on customer routes, an operator’s on operator routes', async () => {
    const customer = await tokenCommand('--customer', 'cust-42');
    expect(customer.exitCode).toBe(0);
    expect(customer.stderr).toBe('');
    expect(customer.stdout.split('\n')).toHaveLength(1);
    expect((await fetch(url('/orders'), as(customer.token))).status).toBe(200);
    await expectErrorShape(await fetch(url('/analytics/summary'), as(customer.token)), 403, 'FORBIDDEN');

    const operator = await tokenCommand('--operator', 'alice', '--ttl', '3s');
    expect(operator.exitCode).toBe(0);
    expect((await fetch(url('/analytics/summary'), as(operator.token))).status).toBe(200);
    const claims = JSON.parse(Buffer.from(operator.token.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    expect(claims).toMatchObject({
      sub: 'alice',
      scope: 'orders:operate',
      iss: 'urn:order-saga:local',
      aud: 'order-saga-api',
    });
    expect((claims.exp as number) - (claims.iat as number)).toBe(3);
  });

  it('refuses a lifetime above AUTH_TOKEN_MAX_TTL, with one line and exit code 2', async () => {
    const result = await tokenCommand('--customer', 'cust-42', '--ttl', '1h');
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`token: --ttl: must be at most AUTH_TOKEN_MAX_TTL (${maxTtlSeconds}s)`);
  });

  it('rotates: the new key signs, the old key’s tokens stay valid until they expire, then the old key goes', async () => {
    // Signed in-process (starting the command takes seconds, which the short lifetime cannot spare).
    const issuer = await openLocalIssuer(loadConfig({ DATA_DIR: dir, AUTH_TOKEN_MAX_TTL: `${maxTtlSeconds}s` }));
    const old = { token: await issuer.token({ customer: 'cust-42' }, 6) };
    const [oldKey] = (await keyFile()).keys;
    const rotated = await tokenCommand('--rotate-key', '--customer', 'cust-42');
    expect(rotated.exitCode).toBe(0);
    expect(rotated.stderr).toMatch(/^token: key \S+ signs from now on; still published, for the tokens they signed: /);
    const fresh = rotated.token;
    const header = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string };
    expect(header(old.token).kid).toBe(oldKey?.kid);
    expect(header(fresh).kid).not.toBe(oldKey?.kid);
    expect(await publishedKids()).toEqual([oldKey?.kid, header(fresh).kid]);

    // Both verify: the running API learnt the new key from its own JWKS, and still has the old one.
    expect((await fetch(url('/orders'), as(old.token))).status).toBe(200);
    expect((await fetch(url('/orders'), as(fresh))).status).toBe(200);

    // Past its lifetime (and the tolerance) the old token expires; past the retention the old key is no longer published.
    const { exp } = JSON.parse(Buffer.from(old.token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number };
    await new Promise((resolve) => setTimeout(resolve, (exp + toleranceSeconds) * 1000 + 300 - Date.now()));
    const expired = await fetch(url('/orders'), as(old.token));
    expect(expired.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect((await expectErrorShape(expired, 401, 'INVALID_TOKEN')).message).toMatch(/expired/);
    await expect
      .poll(publishedKids, { timeout: (maxTtlSeconds + toleranceSeconds) * 1000, interval: 250 })
      .toEqual([header(fresh).kid]);
    // The new key still signs what the API accepts (the command's token has run out its short lifetime by now).
    expect((await fetch(url('/orders'), as(await issuer.token({ customer: 'cust-42' }, maxTtlSeconds)))).status).toBe(
      200,
    );

    // The key file keeps the old key until the next rotation removes it. A token it signs now is refused by any
    // verifier that reads the key set afresh (a running one may hold it in its cache for up to 10 minutes).
    const retired = (await keyFile()).keys.find((k) => k.kid === oldKey?.kid);
    expect(retired?.retiredAt).toEqual(expect.any(String));
    const again = await tokenCommand('--rotate-key');
    expect(again.stderr).toMatch(new RegExp(`removed \\(past their retention\\): ${oldKey?.kid ?? '?'}`));
    expect((await keyFile()).keys.map((k) => k.kid)).not.toContain(oldKey?.kid);
    const forged = await new SignJWT({ scope: 'orders:place' })
      .setProtectedHeader({ alg: 'ES256', kid: oldKey?.kid ?? '' })
      .setSubject('cust-42')
      .setIssuer('urn:order-saga:local')
      .setAudience('order-saga-api')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(await importJWK(oldKey?.privateJwk ?? {}, 'ES256'));
    const verifier = authenticatorFor(testConfig(), new URL(url('/.well-known/jwks.json')));
    await expect(verifier.authenticate(new Headers(as(forged).headers))).rejects.toMatchObject({
      code: 'INVALID_TOKEN',
      message: expect.stringMatching(/\(kid\)/) as unknown,
    });
  });
});
