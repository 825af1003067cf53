// Tokens for the API tests, from the suite's issuer (test/support/test-issuer.ts), and the settings that trust it.
import { inject } from 'vitest';
import { openLocalIssuer } from '../../../src/api/auth/local-issuer.js';
import type { LocalIssuer, TokenSubject } from '../../../src/api/auth/local-issuer.js';
import { loadConfig } from '../../../src/config/env.js';

/** The API settings of a test app: verify against the suite's issuer; fetch its key set again on any unknown key id. */
export function authSettings(): Record<string, string> {
  return { AUTH_JWKS_URL: inject('authJwksUrl'), AUTH_JWKS_COOLDOWN: '0ms' };
}

let issuer: Promise<LocalIssuer> | undefined;

/** The suite's issuer, opened once per test file. */
export function testIssuer(): Promise<LocalIssuer> {
  issuer ??= openLocalIssuer(loadConfig({ DATA_DIR: inject('authDataDir') }));
  return issuer;
}

/** A valid token (one hour) for a customer or an operator. */
export async function tokenFor(who: TokenSubject, lifetimeSeconds?: number): Promise<string> {
  return (await testIssuer()).token(who, lifetimeSeconds);
}

/** The `authorization` header of a valid token for `who`. */
export async function asUser(who: TokenSubject): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(who)}` };
}

/** The customer the API tests' orders belong to (the fixtures' `customerId`). */
export const testCustomer = { customer: 'cus_api' } as const;

/** An operator for the API tests. */
export const testOperator = { operator: 'op_tess' } as const;
