// Tokens from the local issuer (the data folder's keys): what `npm run token` prints, and what local tools send.
import type { Config } from '../../config/env.js';
import { openLocalKeys } from './api-auth.js';
import type { LocalKeys } from './local-keys.js';
import { Scopes } from './principal.js';
import type { Scope } from './principal.js';
import { signToken } from './sign-token.js';

/** Whom a token speaks for: a customer (scope `orders:place`) or an operator (`orders:operate`). */
export type TokenSubject = { customer: string } | { operator: string };

export type LocalIssuerConfig = Pick<
  Config,
  | 'DATA_DIR'
  | 'AUTH_ISSUER'
  | 'AUTH_AUDIENCE'
  | 'AUTH_ALGORITHMS'
  | 'AUTH_ROLE_CLAIM'
  | 'AUTH_TOKEN_MAX_TTL'
  | 'AUTH_CLOCK_TOLERANCE'
>;

/** The default lifetime of a local token: long enough for a session at the terminal, short enough to forget. */
export const defaultTokenLifetimeSeconds = 3_600;

export interface LocalIssuer {
  keys: LocalKeys;
  /** A token for `who`, signed with the active key, with the configured issuer and audience. */
  token(who: TokenSubject, lifetimeSeconds?: number): Promise<string>;
}

/** The scopes and subject of a token for `who`. */
export function claimsOf(who: TokenSubject): { subject: string; scopes: Scope[] } {
  return 'customer' in who
    ? { subject: who.customer, scopes: [Scopes.place] }
    : { subject: who.operator, scopes: [Scopes.operate] };
}

/**
 * The data folder's issuer, creating its first key if the API has not started yet. Only meaningful where the
 * API is its own issuer (no `AUTH_JWKS_URL`); with an identity provider, tokens come from the provider.
 */
export async function openLocalIssuer(config: LocalIssuerConfig): Promise<LocalIssuer> {
  const keys = await openLocalKeys(config);
  return {
    keys,
    async token(who, lifetimeSeconds = defaultTokenLifetimeSeconds) {
      const key = await keys.signingKey();
      return signToken(key, {
        ...claimsOf(who),
        issuer: config.AUTH_ISSUER,
        audience: config.AUTH_AUDIENCE,
        roleClaim: config.AUTH_ROLE_CLAIM,
        lifetimeSeconds,
      });
    },
  };
}
