// Turns a request's headers into a principal (401 when it cannot) and checks a principal's scope (403 when short).
import { ApiError } from '../errors.js';
import { bearerHeader, firstCredentials } from './credentials.js';
import type { CredentialSource } from './credentials.js';
import type { Principal, Scope } from './principal.js';
import { bearerChallenge, InvalidTokenError } from './token-verifier.js';
import type { TokenVerifier } from './token-verifier.js';

/**
 * Knows nothing of Hono: the API's middleware calls it with the request's headers, and so can any other
 * endpoint of this process that must know who is calling (a codec endpoint the Web UI calls with a cookie
 * passes its own `sources`). Throws ApiErrors, so every caller answers in the one error shape.
 */
export class Authenticator {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly sources: readonly CredentialSource[] = [bearerHeader],
  ) {}

  /** The same verifier reading credentials from other places (a cookie as well as the header, say). */
  withSources(sources: readonly CredentialSource[]): Authenticator {
    return new Authenticator(this.verifier, sources);
  }

  /** The caller's principal: UNAUTHENTICATED with no credentials, INVALID_TOKEN for bad ones (both 401). */
  async authenticate(headers: Headers): Promise<Principal> {
    const credentials = firstCredentials(headers, this.sources);
    if (credentials.kind === 'none') {
      throw new ApiError(
        'UNAUTHENTICATED',
        'This needs a bearer token: send `Authorization: Bearer <token>` (`npm run token` prints one locally)',
        undefined,
        { headers: { 'WWW-Authenticate': bearerChallenge() } },
      );
    }
    if (credentials.kind === 'malformed') throw new InvalidTokenError(credentials.why);
    return this.verifier.verify(credentials.token);
  }
}

/**
 * FORBIDDEN (403) unless the principal holds one of `scopes`; the challenge names the scope that would do
 * (RFC 6750's `insufficient_scope`). For any caller, route or not.
 */
export function requireScope(principal: Principal, ...scopes: readonly Scope[]): void {
  if (scopes.some((scope) => principal.scopes.has(scope))) return;
  const wanted = scopes.join(' ');
  throw new ApiError('FORBIDDEN', `This needs a token with the scope ${scopes.join(' or ')}`, undefined, {
    headers: {
      'WWW-Authenticate': bearerChallenge({
        error: 'insufficient_scope',
        description: `needs ${scopes.join(' or ')}`,
        scope: wanted,
      }),
    },
  });
}
