// Business errors of the inventory service.
import { BusinessError } from '../business-error.js';
import { FailureTypes } from '../../shared/failure-types.js';

export interface Shortage {
  sku: string;
  requested: number;
  available: number;
}

export class UnknownSkuError extends BusinessError {
  override readonly name = 'UnknownSkuError';
  readonly code = FailureTypes.UnknownSku;

  constructor(readonly skus: string[]) {
    super(`unknown SKU${skus.length > 1 ? 's' : ''}: ${skus.join(', ')}`, { skus });
  }
}

export class InvalidQuantityError extends BusinessError {
  override readonly name = 'InvalidQuantityError';
  readonly code = FailureTypes.InvalidQuantity;

  constructor(
    message: string,
    readonly lines: { sku: string; quantity: number }[],
  ) {
    super(message, { lines });
  }
}

export class OutOfStockError extends BusinessError {
  override readonly name = 'OutOfStockError';
  readonly code = FailureTypes.OutOfStock;

  constructor(readonly shortages: Shortage[]) {
    super(
      `out of stock: ${shortages.map((s) => `${s.sku} (${s.requested} requested, ${s.available} available)`).join(', ')}`,
      {
        skus: shortages.map((s) => s.sku),
        shortages,
      },
    );
  }
}
