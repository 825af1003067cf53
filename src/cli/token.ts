// `npm run token -- --customer <id> | --operator <name> [--ttl 15m]`, `--rotate-key`: the local issuer's tokens and key rotation.
import ms from 'ms';
import { z } from 'zod';
import { defaultTokenLifetimeSeconds, openLocalIssuer } from '../api/auth/local-issuer.js';
import type { TokenSubject } from '../api/auth/local-issuer.js';
import { CustomerIdSchema } from '../api/schemas/common.js';
import { loadConfig } from '../config/env.js';
import { FlagError, parseFlags, runCommand, type CommandInfo } from './args.js';

const command = {
  name: 'token',
  usage: 'npm run token -- --customer <customerId> | --operator <name> [--ttl <duration>] [--rotate-key]',
  summary:
    'Prints a bearer token (and nothing else) on stdout, signed with the data folder’s active key for the ' +
    'configured issuer and audience; --rotate-key starts signing with a new key first.',
  flags: {
    customer: { type: 'string', value: 'a customer ID', help: 'a token for this customer (scope orders:place)' },
    operator: { type: 'string', value: 'an operator name', help: 'a token for this operator (scope orders:operate)' },
    ttl: {
      type: 'string',
      value: 'a duration such as 15m',
      help: `how long the token is valid: 30s, 15m, 8h... (default ${defaultTokenLifetimeSeconds / 3600}h, at most AUTH_TOKEN_MAX_TTL)`,
    },
    'rotate-key': {
      type: 'boolean',
      help: 'add a new key that signs from now on; tokens of the old key stay valid until they expire',
    },
  },
} satisfies CommandInfo;

const flagsSchema = z
  .object({
    customer: z
      .string()
      .refine((id) => CustomerIdSchema.safeParse(id).success, 'must be letters, digits, _ and - (at most 64)')
      .optional(),
    operator: z
      .string()
      .regex(/^[\x21-\x7e]{1,255}$/, 'must be printable ASCII without spaces (at most 255)')
      .optional(),
    ttl: z
      .string()
      .transform((text, ctx) => {
        const millis = /^\d+(ms|s|m|h|d)$/.test(text) ? ms(text as ms.StringValue) : undefined;
        if (millis === undefined || millis < 1_000) {
          ctx.addIssue({ code: 'custom', message: 'must be a duration of at least 1s, such as 15m, 8h or 2d' });
          return z.NEVER;
        }
        return Math.floor(millis / 1000);
      })
      .optional(),
    'rotate-key': z.boolean().optional(),
  })
  .superRefine((flags, ctx) => {
    if (flags.customer !== undefined && flags.operator !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['operator'], message: 'give either --customer or --operator, not both' });
    }
    if (flags.customer === undefined && flags.operator === undefined && !flags['rotate-key']) {
      ctx.addIssue({ code: 'custom', path: ['customer'], message: 'is required (or --operator <name>)' });
    }
    if (flags.ttl !== undefined && flags.customer === undefined && flags.operator === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ttl'], message: 'only applies with --customer or --operator' });
    }
  });

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, command.flags, flagsSchema);
  const config = loadConfig();
  const maxSeconds = ms(config.AUTH_TOKEN_MAX_TTL) / 1000;
  if (flags.ttl !== undefined && flags.ttl > maxSeconds) {
    throw new FlagError('--ttl', `--ttl: must be at most AUTH_TOKEN_MAX_TTL (${config.AUTH_TOKEN_MAX_TTL})`);
  }
  if (config.AUTH_JWKS_URL !== undefined) {
    console.error(
      `${command.name}: AUTH_JWKS_URL is set, so the API accepts the identity provider's tokens only; ` +
        'get one from the provider (local tokens are for an API without AUTH_JWKS_URL)',
    );
    return 1;
  }
  const issuer = await openLocalIssuer(config);
  if (flags['rotate-key']) {
    const rotation = await issuer.keys.rotate();
    const kept = rotation.kept.map((k) => `${k.kid} until ${k.until}`).join(', ');
    console.error(
      `${command.name}: key ${rotation.active} signs from now on` +
        (kept ? `; still published, for the tokens they signed: ${kept}` : '') +
        (rotation.dropped.length > 0 ? `; removed (past their retention): ${rotation.dropped.join(', ')}` : ''),
    );
  }
  const who: TokenSubject | undefined =
    flags.customer !== undefined
      ? { customer: flags.customer }
      : flags.operator !== undefined
        ? { operator: flags.operator }
        : undefined;
  if (who === undefined) return 0;
  const { alg } = await issuer.keys.signingKey();
  if (!config.AUTH_ALGORITHMS.includes(alg as (typeof config.AUTH_ALGORITHMS)[number])) {
    console.error(
      `${command.name}: the active key is ${alg}, which AUTH_ALGORITHMS (${config.AUTH_ALGORITHMS.join(',')}) ` +
        'does not accept; run npm run token -- --rotate-key to make a key for the first of them',
    );
    return 1;
  }
  console.log(await issuer.token(who, flags.ttl ?? Math.min(defaultTokenLifetimeSeconds, maxSeconds)));
  return 0;
}

runCommand(command, main);
