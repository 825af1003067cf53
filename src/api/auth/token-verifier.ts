// Verifies a bearer JWT against the issuer's JWKS (jose): signature, pinned algorithms, issuer, audience, exp and nbf.
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { ApiError } from '../errors.js';
import { principalOfClaims } from './principal.js';
import type { Principal } from './principal.js';

export interface TokenVerifierOptions {
  /** The issuer's key set: an OIDC provider's `jwks_uri`, or this API's own `/.well-known/jwks.json`. */
  jwksUrl: URL;
  issuer: string;
  audience: string;
  /** The only JWS algorithms accepted; `none` and the symmetric ones can never be among them. */
  algorithms: readonly string[];
  clockToleranceSeconds: number;
  /** The claim holding the scopes (`scope`). */
  roleClaim: string;
  /** The least time between two key-set fetches that an unknown key id may trigger. */
  jwksCooldownMs: number;
  /** How long one key-set fetch may take. */
  jwksTimeoutMs?: number;
}

/** What is wrong with a token, as RFC 6750 lets an API say it (`error_description` of `invalid_token`). */
export class InvalidTokenError extends ApiError {
  constructor(
    readonly description: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID_TOKEN', description, undefined, {
      ...options,
      headers: { 'WWW-Authenticate': bearerChallenge({ error: 'invalid_token', description }) },
    });
  }
}

/** The realm every challenge names; one realm for the whole API. */
const realm = 'order-saga';

/**
 * A `WWW-Authenticate` value (RFC 6750 section 3). Without `error` it is the plain challenge a request with no
 * credentials gets. RFC 6750 allows only printable ASCII without `"` and a backslash in `error_description` (and a
 * header value must be ASCII), so anything else becomes `'`.
 */
export function bearerChallenge(params: { error?: string; description?: string; scope?: string } = {}): string {
  const parts = [`realm="${realm}"`];
  if (params.error) parts.push(`error="${params.error}"`);
  if (params.description)
    parts.push(`error_description="${params.description.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, "'")}"`);
  if (params.scope) parts.push(`scope="${params.scope}"`);
  return `Bearer ${parts.join(', ')}`;
}

/** The claims a JWS header or payload check failed on (jose's `claim`), in words a client can act on. */
const claimProblems: Readonly<Record<string, string>> = {
  nbf: 'The token is not valid yet (nbf)',
  iss: 'The token was issued by an issuer this API does not trust (iss)',
  aud: 'The token is meant for another audience (aud)',
  exp: 'The token has expired (exp)',
};

/** jose's error codes, by what they tell the client. */
function rejectionOf(error: unknown): ApiError {
  const { code, claim, reason } = (error ?? {}) as { code?: unknown; claim?: unknown; reason?: unknown };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return new InvalidTokenError('The token has expired (exp)', { cause: error });
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const known = typeof claim === 'string' ? claimProblems[claim] : undefined;
      if (reason === 'missing' && typeof claim === 'string') {
        return new InvalidTokenError(`The token has no "${claim}" claim`, { cause: error });
      }
      return new InvalidTokenError(known ?? 'A claim of the token is not acceptable', { cause: error });
    }
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return new InvalidTokenError('The signature of the token does not verify', { cause: error });
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return new InvalidTokenError('The token was signed with a key the issuer does not publish (kid)', {
        cause: error,
      });
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return new InvalidTokenError('The token is signed with an algorithm this API does not accept (alg)', {
        cause: error,
      });
    case 'ERR_JWKS_TIMEOUT':
    case 'ERR_JWKS_INVALID':
    case 'ERR_JOSE_GENERIC': // the key set's answer was not 200 or not JSON
      return keysUnavailable(error);
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JWK_INVALID':
      return new InvalidTokenError('The token is malformed', { cause: error });
    default:
      // fetch() itself failed (the issuer is unreachable): not the client's fault.
      if (error instanceof TypeError) return keysUnavailable(error);
      return new InvalidTokenError('The token is malformed', { cause: error });
  }
}

function keysUnavailable(cause: unknown): ApiError {
  return new ApiError('UNAVAILABLE', 'The token could not be checked: the issuer’s keys did not load', undefined, {
    cause,
    headers: { 'Retry-After': '5' },
  });
}

/** Verifies bearer tokens and says whose they are. */
export interface TokenVerifier {
  /** The token's principal; an InvalidTokenError (401), or UNAVAILABLE (503) when the key set cannot be fetched. */
  verify(token: string): Promise<Principal>;
}

/**
 * Every token goes through the issuer's published key set, fetched over HTTP and cached by jose (refetched when a
 * token names an unknown key id, at most once per cooldown): the same path whether the issuer is an OIDC provider
 * or this API's own local keys. `exp` and `sub` are required; `nbf` is checked when present.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = createRemoteJWKSet(options.jwksUrl, {
    cooldownDuration: options.jwksCooldownMs,
    timeoutDuration: options.jwksTimeoutMs ?? 5_000,
  });
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: [...options.algorithms],
    clockTolerance: options.clockToleranceSeconds,
    requiredClaims: ['exp', 'sub'],
  };
  return {
    async verify(token) {
      let payload;
      try {
        ({ payload } = await jwtVerify(token, keys, verifyOptions));
      } catch (error) {
        throw rejectionOf(error);
      }
      const principal = principalOfClaims(payload, options.roleClaim);
      if (typeof principal === 'string') throw new InvalidTokenError(principal);
      return principal;
    },
  };
}
