// Bearer tokens for the load tools: the system's local issuer signs one per customer of the mix, and an operator's.
import { openLocalIssuer } from '../../src/api/auth/local-issuer.js';
import type { LocalIssuerConfig } from '../../src/api/auth/local-issuer.js';

/** What the load tools send as `authorization`: each order as its own customer, approvals as an operator. */
export interface ApiTokens {
  customer(customerId: string): Promise<string>;
  operator(): Promise<string>;
}

/** The operator the load tools approve orders as; it shows up as the actor in the workflows' histories. */
export const loadOperator = 'loadgen';

/**
 * Tokens from the keys in `config.DATA_DIR` (the system's own data folder, or `./data` of a running
 * `npm run dev`), each signed once and reused for the run (their hour outlasts any load run the tools allow).
 */
export function localApiTokens(config: LocalIssuerConfig): ApiTokens {
  const issuer = openLocalIssuer(config);
  const signed = new Map<string, Promise<string>>();
  const token = (key: string, sign: () => Promise<string>) => {
    let found = signed.get(key);
    if (found === undefined) {
      found = sign();
      signed.set(key, found);
    }
    return found;
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
