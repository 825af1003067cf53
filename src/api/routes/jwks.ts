// GET /.well-known/jwks.json: the public half of the local issuer's signing keys, which the API itself verifies against.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env.js';
import { jwksPath } from '../auth/api-auth.js';
import type { LocalKeys } from '../auth/local-keys.js';
import { validationHook } from '../errors.js';
import { errorResponses } from '../schemas/common.js';

const JwksSchema = z
  .object({ keys: z.array(z.record(z.string(), z.string())) })
  .openapi('JsonWebKeySet', { description: 'RFC 7517: public keys only, each with `kid`, `alg` and `use: sig`' });

const jwks = createRoute({
  method: 'get',
  path: jwksPath,
  tags: ['operations'],
  summary: 'The local issuer’s public keys (JWKS)',
  description:
    'Served when the API is its own issuer (no `AUTH_JWKS_URL`): the key that signs new tokens and the rotated-out ' +
    'ones whose tokens may still be valid. Open: these keys only verify.',
  responses: {
    200: { description: 'The key set', content: { 'application/json': { schema: JwksSchema } } },
    ...errorResponses(),
  },
});

/** Short caching: a rotation must reach verifiers elsewhere soon; this API's own verifier refetches on a new kid. */
export function jwksRoutes(keys: LocalKeys) {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook }).openapi(jwks, async (c) => {
    c.header('Cache-Control', 'public, max-age=60');
    const set = await keys.publicKeySet();
    return c.json({ keys: set.keys.map((key) => key as Record<string, string>) }, 200);
  });
}
