// The simulated payment provider: the card token decides what the "bank" answers.
import { GatewayUnavailableError } from './errors.js';

export type DeclineCode = 'PaymentDeclined' | 'InsufficientFunds';

export type GatewayDecision =
  { outcome: 'captured'; refundBlocked: boolean } | { outcome: 'declined'; code: DeclineCode; message: string };

/** Attempts on which `tok_flaky` times out before it finally succeeds. */
const flakyFailingAttempts = 2;

/**
 * Demo and test tokens (there is no real provider):
 * `tok_ok` captures; `tok_declined` and unknown tokens decline; `tok_insufficient_funds` declines for funds;
 * `tok_flaky` is unavailable on attempts 1-2 and captures on attempt 3; `tok_unavailable` is unavailable on every
 * attempt (the step times out); `tok_refund_blocked` captures but its refund is refused until an operator unblocks it.
 */
export function authorizeCharge(token: string, attempt: number): GatewayDecision {
  switch (token) {
    case 'tok_ok':
      return { outcome: 'captured', refundBlocked: false };
    case 'tok_refund_blocked':
      return { outcome: 'captured', refundBlocked: true };
    case 'tok_flaky':
      if (attempt <= flakyFailingAttempts) {
        throw new GatewayUnavailableError(`payment provider timed out (attempt ${attempt})`);
      }
      return { outcome: 'captured', refundBlocked: false };
    case 'tok_unavailable':
      throw new GatewayUnavailableError(`payment provider timed out (attempt ${attempt})`);
    case 'tok_declined':
      return { outcome: 'declined', code: 'PaymentDeclined', message: 'card declined by issuer' };
    case 'tok_insufficient_funds':
      return { outcome: 'declined', code: 'InsufficientFunds', message: 'insufficient funds' };
    default:
      return { outcome: 'declined', code: 'PaymentDeclined', message: 'unknown payment token' };
  }
}
