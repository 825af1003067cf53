// The API's authentication from its settings: an external issuer's JWKS, or the local keys served by the API itself.
import { join, resolve } from 'node:path';
import ms from 'ms';
import type { Config } from '../../config/env.js';
import { Authenticator } from './authenticator.js';
import { LocalKeys } from './local-keys.js';
import { createTokenVerifier } from './token-verifier.js';

/** Where the API publishes the local issuer's public keys (the conventional place for a JWKS). */
export const jwksPath = '/.well-known/jwks.json';

export type AuthConfig = Pick<
  Config,
  | 'DATA_DIR'
  | 'API_HOST'
  | 'API_PORT'
  | 'AUTH_JWKS_URL'
  | 'AUTH_ISSUER'
  | 'AUTH_AUDIENCE'
  | 'AUTH_ALGORITHMS'
  | 'AUTH_CLOCK_TOLERANCE'
  | 'AUTH_ROLE_CLAIM'
  | 'AUTH_JWKS_COOLDOWN'
  | 'AUTH_TOKEN_MAX_TTL'
>;

/** What createApp needs to know about who is calling. */
export interface ApiAuth {
  authenticator: Authenticator;
  /** The local issuer's keys, whose public half the API serves at `jwksPath`; absent with an external issuer. */
  localKeys?: LocalKeys;
}

/** The local issuer's key folder: `<DATA_DIR>/auth`. */
export function localKeysDir(config: Pick<Config, 'DATA_DIR'>): string {
  return join(resolve(config.DATA_DIR), 'auth');
}

/**
 * The local keys, created on first use. A retired key stays published for the longest token lifetime plus the
 * clock tolerance: by then every token it signed has expired.
 */
export function openLocalKeys(
  config: Pick<Config, 'DATA_DIR' | 'AUTH_ALGORITHMS' | 'AUTH_TOKEN_MAX_TTL' | 'AUTH_CLOCK_TOLERANCE'>,
): Promise<LocalKeys> {
  const [algorithm = 'ES256'] = config.AUTH_ALGORITHMS;
  return LocalKeys.open(localKeysDir(config), {
    algorithm,
    retentionMs: ms(config.AUTH_TOKEN_MAX_TTL) + ms(config.AUTH_CLOCK_TOLERANCE),
  });
}

/** The API's own JWKS URL as this process reaches it: a wildcard listen address is reached on loopback. */
export function ownJwksUrl(config: Pick<Config, 'API_HOST' | 'API_PORT'>): URL {
  const loopback: Readonly<Record<string, string>> = { '0.0.0.0': '127.0.0.1', '::': '::1' };
  const host = loopback[config.API_HOST] ?? config.API_HOST;
  const literal = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  return new URL(`http://${literal}:${config.API_PORT}${jwksPath}`);
}

/** Verification against the key set at `jwksUrl`, with the configured issuer, audience, algorithms and tolerance. */
export function authenticatorFor(config: AuthConfig, jwksUrl: URL): Authenticator {
  const verifier = createTokenVerifier({
    jwksUrl,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    algorithms: config.AUTH_ALGORITHMS,
    clockToleranceSeconds: ms(config.AUTH_CLOCK_TOLERANCE) / 1000,
    roleClaim: config.AUTH_ROLE_CLAIM,
    jwksCooldownMs: ms(config.AUTH_JWKS_COOLDOWN),
  });
  return new Authenticator(verifier);
}

/**
 * With `AUTH_JWKS_URL`, tokens are the identity provider's and the API holds no key. Without it, the API is its
 * own issuer: it opens (or creates) the local keys, serves their public half, and verifies through its own JWKS
 * URL, so local tokens take exactly the path a provider's do.
 */
export async function openApiAuth(config: AuthConfig): Promise<ApiAuth> {
  if (config.AUTH_JWKS_URL !== undefined) {
    return { authenticator: authenticatorFor(config, new URL(config.AUTH_JWKS_URL)) };
  }
  const localKeys = await openLocalKeys(config);
  return { authenticator: authenticatorFor(config, ownJwksUrl(config)), localKeys };
}
