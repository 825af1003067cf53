// Starts one instance of the order read model: its database and its live subscriber on the durable `order-read-model`.
import { readModelBaseDb } from '../generation.js';
import { startLiveReadModel } from '../service.js';
import type { ReadModelService, ReadModelServiceOptions } from '../service.js';
import { orderProjection } from './projection.js';
import { openOrderReadModel } from './store.js';
import type { OrderReadModelStore } from './store.js';

/**
 * Its own durable and its own database (file or schema), apart from analytics: the order list the API serves is
 * rebuilt, re-driven and scaled on its own, and does not depend on any other read model running.
 */
export async function startOrderReadModelService(
  options: ReadModelServiceOptions,
): Promise<ReadModelService<OrderReadModelStore>> {
  const store = await openOrderReadModel(options.location);
  return startLiveReadModel(store, readModelBaseDb(store.db), orderProjection, options);
}
