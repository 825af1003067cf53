// Business errors of the shipping service.
import { BusinessError } from '../business-error.js';
import { FailureTypes } from '../../shared/failure-types.js';

/** The destination is outside the countries this service ships to. */
export class AddressRejectedError extends BusinessError {
  override readonly name = 'AddressRejectedError';
  readonly code = FailureTypes.AddressRejected;

  constructor(
    readonly country: string,
    readonly servedCountries: readonly string[],
  ) {
    super(`we do not ship to ${country || '(no country)'}; served countries: ${servedCountries.join(', ')}`, {
      country,
      servedCountries: [...servedCountries],
    });
  }
}
