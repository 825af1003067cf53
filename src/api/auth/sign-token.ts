// Signs the local issuer's tokens (what `npm run token` prints): a JWT for a customer or an operator.
import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SigningKey } from './local-keys.js';
import type { Scope } from './principal.js';

export interface TokenClaims {
  subject: string;
  scopes: readonly Scope[];
  issuer: string;
  audience: string;
  /** Where the scopes go (`AUTH_ROLE_CLAIM`), space-separated as OAuth 2's `scope`. */
  roleClaim: string;
  lifetimeSeconds: number;
  now?: Date;
}

/**
 * Header `{ alg, kid, typ: JWT }`, so the verifier picks the key from the key set by id; `iat` and `nbf` now,
 * `exp` after the lifetime, a fresh `jti`. The same claims an OIDC provider's access token carries.
 */
export async function signToken(key: SigningKey, claims: TokenClaims): Promise<string> {
  const now = Math.floor((claims.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ [claims.roleClaim]: claims.scopes.join(' ') })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + claims.lifetimeSeconds)
    .setJti(randomUUID())
    .sign(key.key);
}
