// Bearer tokens for the load tools: the system's local issuer signs one per customer of the mix, and an operator's.
import { defaultTokenLifetimeSeconds, openLocalIssuer } from '../../src/api/auth/local-issuer.js';
import type { LocalIssuerConfig } from '../../src/api/auth/local-issuer.js';

/** What the load tools send as `authorization`: each order as its own customer, approvals as an operator. */
export interface ApiTokens {
  customer(customerId: string): Promise<string>;
  operator(): Promise<string>;
}

/** The operator the load tools approve orders as; it shows up as the actor in the workflows' histories. */
export const loadOperator = 'loadgen';

/** Tokens are signed again once they are this old: a long run (the chaos suite's, an hour of soak) outlives one. */
const resignAfterMs = (defaultTokenLifetimeSeconds * 1000) / 2;

/**
 * Tokens from the keys in `config.DATA_DIR` (the system's own data folder, or `./data` of a running
 * `npm run dev`), each signed once and reused for half its lifetime, then signed afresh, so no run of any length
 * sends an expired one.
 */
export function localApiTokens(config: LocalIssuerConfig): ApiTokens {
  const issuer = openLocalIssuer(config);
  const signed = new Map<string, { token: Promise<string>; at: number }>();
  const token = (key: string, sign: () => Promise<string>) => {
    let found = signed.get(key);
    if (found === undefined || Date.now() - found.at > resignAfterMs) {
      found = { token: sign(), at: Date.now() };
      signed.set(key, found);
    }
    return found.token;
  };
  return {
    customer: (customerId) =>
      token(`customer:${customerId}`, async () => (await issuer).token({ customer: customerId })),
    operator: () => token('operator', async () => (await issuer).token({ operator: loadOperator })),
  };
}

/** The `authorization` header of a token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}
