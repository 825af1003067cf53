// Business and transient errors of the payments service.
import { BusinessError } from '../business-error.js';
import { FailureTypes } from '../../shared/failure-types.js';

export class PaymentDeclinedError extends BusinessError {
  override readonly name = 'PaymentDeclinedError';
  readonly code = FailureTypes.PaymentDeclined;
}

export class InsufficientFundsError extends BusinessError {
  override readonly name = 'InsufficientFundsError';
  readonly code = FailureTypes.InsufficientFunds;
}

/** The provider refuses the refund; only an operator can clear it, so retrying automatically is pointless. */
export class RefundRejectedError extends BusinessError {
  override readonly name = 'RefundRejectedError';
  readonly code = FailureTypes.RefundRejected;
}

/** The provider did not answer: transient, so it is a plain error that Temporal retries. */
export class GatewayUnavailableError extends Error {
  override readonly name = 'GatewayUnavailableError';
  readonly code = 'GatewayUnavailable';
}
