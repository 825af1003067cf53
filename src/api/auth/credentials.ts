// Where a request's token comes from: the `Authorization: Bearer` header, or a named cookie for browser callers.

/** What a request offers as credentials: a token, a header that is not a usable bearer token, or nothing. */
export type Credentials = { kind: 'token'; token: string } | { kind: 'malformed'; why: string } | { kind: 'none' };

/** Reads credentials from request headers; the first source that finds any wins. */
export type CredentialSource = (headers: Headers) => Credentials;

/** The characters RFC 6750 allows in a bearer token (`b64token`); a JWT uses a subset of them. */
const b64token = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * `Authorization: Bearer <token>` (RFC 6750 section 2.1; the scheme is case-insensitive). Another scheme
 * (Basic...) counts as no bearer credentials, so the answer is a plain challenge; a Bearer header without a
 * well-formed token is malformed.
 */
export const bearerHeader: CredentialSource = (headers) => {
  const header = headers.get('authorization');
  if (header === null) return { kind: 'none' };
  const match = /^Bearer(?:\s+(.*))?$/i.exec(header.trim());
  if (!match) return { kind: 'none' };
  const token = match[1]?.trim() ?? '';
  if (token === '' || !b64token.test(token)) return { kind: 'malformed', why: 'The bearer token is malformed' };
  return { kind: 'token', token };
};

/**
 * A token kept in a cookie, for callers that cannot send a header (a browser page such as the Temporal Web UI
 * calling a codec endpoint). Only for routes that do not change anything, or that check the request's origin:
 * browsers send cookies on cross-site requests too.
 */
export function cookieToken(name: string): CredentialSource {
  return (headers) => {
    const cookie = headers.get('cookie');
    if (cookie === null) return { kind: 'none' };
    for (const part of cookie.split(';')) {
      const at = part.indexOf('=');
      if (at < 0 || part.slice(0, at).trim() !== name) continue;
      const token = part.slice(at + 1).trim();
      if (token === '' || !b64token.test(token)) return { kind: 'malformed', why: 'The token cookie is malformed' };
      return { kind: 'token', token };
    }
    return { kind: 'none' };
  };
}

/** The first source that finds credentials (a token or a malformed one); none when no source does. */
export function firstCredentials(headers: Headers, sources: readonly CredentialSource[]): Credentials {
  for (const source of sources) {
    const found = source(headers);
    if (found.kind !== 'none') return found;
  }
  return { kind: 'none' };
}
