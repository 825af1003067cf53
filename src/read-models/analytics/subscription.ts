// Starts one instance of the analytics read model: its database and its live subscriber on the durable `analytics`.
import { readModelBaseDb } from '../generation.js';
import { startLiveReadModel } from '../service.js';
import type { ReadModelService, ReadModelServiceOptions } from '../service.js';
import { analyticsProjection } from './projection.js';
import { openAnalyticsReadModel } from './store.js';
import type { AnalyticsStore } from './store.js';

/** Run several (other processes, same database) to share the load: they compete for the durable's events. */
export async function startAnalyticsService(
  options: ReadModelServiceOptions,
): Promise<ReadModelService<AnalyticsStore>> {
  const store = await openAnalyticsReadModel(options.location);
  return startLiveReadModel(store, readModelBaseDb(store.db), analyticsProjection, options);
}
