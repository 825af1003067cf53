// Where a request's token is read from: the Bearer header (RFC 6750), or a named cookie for browser callers.
import { describe, expect, it } from 'vitest';
import { bearerHeader, cookieToken, firstCredentials } from '../../../src/api/auth/credentials.js';

const headers = (init: Record<string, string>) => new Headers(init);

describe('bearerHeader', () => {
  it('reads the token, whatever the case of the scheme', () => {
    expect(bearerHeader(headers({ authorization: 'Bearer abc.def.ghi' }))).toEqual({
      kind: 'token',
      token: 'abc.def.ghi',
    });
    expect(bearerHeader(headers({ authorization: 'bearer abc.def.ghi' }))).toEqual({
      kind: 'token',
      token: 'abc.def.ghi',
    });
  });

  it('counts another scheme, or none, as no bearer credentials', () => {
    expect(bearerHeader(headers({}))).toEqual({ kind: 'none' });
    expect(bearerHeader(headers({ authorization: 'Basic YWxpY2U6c2VjcmV0' }))).toEqual({ kind: 'none' });
    expect(bearerHeader(headers({ authorization: 'Bearerish abc' }))).toEqual({ kind: 'none' });
  });

  it('calls a Bearer header without a well-formed token malformed', () => {
    for (const value of ['Bearer', 'Bearer ', 'Bearer a b', 'Bearer a"b', 'Bearer ä']) {
      expect(bearerHeader(headers({ authorization: value })).kind, value).toBe('malformed');
    }
  });
});

describe('cookieToken', () => {
  const session = cookieToken('order_saga_session');

  it('reads the named cookie among others, and nothing else', () => {
    expect(session(headers({ cookie: 'theme=dark; order_saga_session=abc.def.ghi; x=1' }))).toEqual({
      kind: 'token',
      token: 'abc.def.ghi',
    });
    expect(session(headers({ cookie: 'theme=dark' }))).toEqual({ kind: 'none' });
    expect(session(headers({ cookie: 'order_saga_session=' }))).toMatchObject({ kind: 'malformed' });
  });

  it('comes after the header when both are sources: the first that finds anything wins', () => {
    const both = headers({ authorization: 'Bearer from.the.header', cookie: 'order_saga_session=from.the.cookie' });
    expect(firstCredentials(both, [bearerHeader, session])).toEqual({ kind: 'token', token: 'from.the.header' });
    expect(firstCredentials(headers({ cookie: 'order_saga_session=c.o.k' }), [bearerHeader, session])).toEqual({
      kind: 'token',
      token: 'c.o.k',
    });
    expect(firstCredentials(headers({}), [bearerHeader, session])).toEqual({ kind: 'none' });
  });
});
