// The security suites' attackers: every kind of bad credential, and a snapshot of everything a request could have changed.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError } from '@temporalio/client';
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { expect } from 'vitest';
import { demoCatalogue } from '../../../src/activities/inventory/catalogue.js';
import { orderWorkflowId } from '../../../src/shared/order.js';
import { stockOf } from '../../support/stock.js';
import { expectErrorShape } from './api-fixture.js';
import type { SagaApi } from './saga-api.js';
import { testIssuer } from './tokens.js';

/** A request's credentials that must not get it anywhere: 401, with this code and `WWW-Authenticate` error. */
export interface BadCredential {
  label: string;
  headers: Record<string, string>;
  code: 'UNAUTHENTICATED' | 'INVALID_TOKEN';
}

const suiteIssuer = 'urn:order-saga:local';
const suiteAudience = 'order-saga-api';

/**
 * Every way a token can be wrong, each claiming `subject` with both scopes (the most a forger could ask for), so a
 * check that let any of them through would show on customer and operator routes alike. The signed ones use the
 * suite issuer's real key unless the point is another key.
 */
export async function badCredentials(subject: string): Promise<BadCredential[]> {
  const issuer = await testIssuer();
  const key = await issuer.keys.signingKey();
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    sub: subject,
    scope: 'orders:place orders:operate',
    iss: suiteIssuer,
    aud: suiteAudience,
    iat: now,
    nbf: now,
    exp: now + 600,
    jti: randomUUID(),
  };
  const sign = (payload: JWTPayload, header: { alg: string; kid: string } = key) =>
    new SignJWT(payload).setProtectedHeader({ ...header, typ: 'JWT' }).sign(key.key);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  const invalid = (label: string, token: string): BadCredential => ({
    label,
    headers: bearer(token),
    code: 'INVALID_TOKEN',
  });

  const genuine = await sign(claims);
  const [header, , signature] = genuine.split('.');
  const elevated = base64url.encode(JSON.stringify({ ...claims, sub: `${subject}-x`, exp: now + 86_400 }));
  const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${base64url.encode(JSON.stringify(claims))}.`;
  const stranger = await generateKeyPair('ES256', { extractable: true });
  const strangerKid = await calculateJwkThumbprint(await exportJWK(stranger.publicKey));
  const signWith = (privateKey: CryptoKey, kid: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(privateKey);
  const hs256 = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid: key.kid, typ: 'JWT' })
    .sign(new TextEncoder().encode('a-secret-the-api-never-agreed-to-32b'));
  const { exp: _exp, ...noExp } = claims;

  return [
    { label: 'anonymous', headers: {}, code: 'UNAUTHENTICATED' },
    { label: 'another scheme (Basic)', headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' }, code: 'UNAUTHENTICATED' },
    invalid('a bearer header without a token', ''),
    invalid('a token that is not a JWT', 'not-a-jwt'),
    invalid('expired', await sign({ ...claims, iat: now - 7_200, nbf: now - 7_200, exp: now - 120 })),
    invalid('not yet valid', await sign({ ...claims, nbf: now + 600, exp: now + 1_200 })),
    invalid('wrong issuer', await sign({ ...claims, iss: 'https://issuer.attacker.example' })),
    invalid('wrong audience', await sign({ ...claims, aud: 'another-api' })),
    invalid('without exp', await sign(noExp)),
    invalid('alg: none', unsigned),
    invalid('tampered payload (signature of another)', `${header}.${elevated}.${signature}`),
    invalid('tampered signature', `${genuine.slice(0, -4)}${genuine.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`),
    invalid('wrong key id (a key the issuer does not publish)', await signWith(stranger.privateKey, strangerKid)),
    invalid('the right key id, signed by another key', await signWith(stranger.privateKey, key.kid)),
    invalid('HS256 (an algorithm not accepted)', hs256),
  ];
}

/** The 401 in the error shape, with the RFC 6750 challenge (and `invalid_token` when a token was sent). */
export async function expectRefused(res: Response, bad: BadCredential): Promise<void> {
  const challenge = res.headers.get('www-authenticate');
  await expectErrorShape(res, 401, bad.code);
  expect(challenge, bad.label).toMatch(/^Bearer realm="order-saga"/);
  if (bad.code === 'INVALID_TOKEN') expect(challenge, bad.label).toMatch(/error="invalid_token"/);
  else expect(challenge, bad.label).not.toMatch(/error=/);
}

/** 403 in the error shape: the token is fine, its principal may not do this. */
export async function expectForbidden(res: Response): Promise<void> {
  await expectErrorShape(res, 403, 'FORBIDDEN');
}

/**
 * What any request could have changed, on the saga's side: the namespace's workflows, the events published, the
 * stock of every SKU, and for each order named its history length, charge and shipment. Equal snapshots before and
 * after the attacks mean nothing changed.
 */
export async function sagaSnapshot(api: SagaApi, orderIds: readonly string[]) {
  const { count: workflows } = await api.client.workflow.count('WorkflowType = "orderSaga"');
  const stock = await Promise.all(
    demoCatalogue.map(async ({ sku }) => [sku, await stockOf(api.workers.stores, sku)] as const),
  );
  const orders = await Promise.all(
    orderIds.map(async (orderId) => {
      let historyLength: number | 'none';
      try {
        historyLength =
          (await api.client.workflow.getHandle(orderWorkflowId(orderId)).fetchHistory()).events?.length ?? 0;
      } catch (error) {
        // fetchHistory reports an unknown workflow as the raw gRPC NOT_FOUND (code 5).
        if (!(error instanceof WorkflowNotFoundError) && (error as { code?: unknown }).code !== 5) throw error;
        historyLength = 'none';
      }
      return {
        orderId,
        historyLength,
        charge: (await api.workers.stores.payments.findChargeByOrder(orderId)) ?? null,
        shipment: (await api.workers.stores.shipping.findShipmentByOrder(orderId)) ?? null,
      };
    }),
  );
  return { workflows, events: api.workers.publisher.published.length, stock: Object.fromEntries(stock), orders };
}

/**
 * Waits until the saga is quiet: two snapshots 300 ms apart are equal (an order that just reached a status may still
 * be publishing its event or finishing its workflow task), so a test's "before" is not still moving.
 */
export async function quiet(api: SagaApi, orderIds: readonly string[]): Promise<void> {
  let previous = JSON.stringify(await sagaSnapshot(api, orderIds));
  for (let tries = 0; tries < 50; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const now = JSON.stringify(await sagaSnapshot(api, orderIds));
    if (now === previous) return;
    previous = now;
  }
  throw new Error('the saga did not settle within 15 s');
}
