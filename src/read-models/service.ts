// Starts one instance of the analytics service: the analytics read model and the order read model, each on its own durable.
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from '../logger.js';
import type { EventSettings } from '../events/nats/settings.js';
import type { Subscription } from '../events/subscribers/subscription.js';
import { analyticsReadModel } from './analytics/model.js';
import { openAnalyticsReadModel } from './analytics/store.js';
import type { AnalyticsStore } from './analytics/store.js';
import type { ReadModelLocations } from './databases.js';
import { readModelBaseDb } from './generations.js';
import { orderReadModel } from './orders/model.js';
import { openOrderReadModel } from './orders/store.js';
import type { OrderReadModelStore } from './orders/store.js';
import { oneAtATime, startReadModelSubscription } from './subscription.js';

export interface AnalyticsService {
  analytics: AnalyticsStore;
  orders: OrderReadModelStore;
  subscriptions: { analytics: Subscription; orders: Subscription };
  stop(): Promise<void>;
}

/**
 * The order read model lives in this process but on its own durable (`order-read-model`) and in its own
 * database (file or schema): it can be rebuilt, re-driven and scaled apart from analytics, and the API reads it alone.
 */
export async function startAnalyticsService(options: {
  nc: NatsConnection;
  /** From `readModelLocations`: SQLite files, or the `analytics` and `order_read_model` schemas of one PostgreSQL. */
  locations: Pick<ReadModelLocations, 'analytics' | 'orders'>;
  settings: EventSettings;
  logger: Logger;
}): Promise<AnalyticsService> {
  const { nc, locations, settings, logger } = options;
  const analytics = await openAnalyticsReadModel(locations.analytics);
  const orders = await openOrderReadModel(locations.orders).catch(async (error: unknown) => {
    await analytics.close();
    throw error;
  });
  const started: Subscription[] = [];
  // Two files written by two consume loops: they take turns (see `exclusive`), or two instances can deadlock.
  const exclusive = oneAtATime();
  try {
    const a = await startReadModelSubscription({
      nc,
      db: readModelBaseDb(analytics.db),
      model: analyticsReadModel,
      settings,
      logger,
      exclusive,
    });
    started.push(a);
    const o = await startReadModelSubscription({
      nc,
      db: readModelBaseDb(orders.db),
      model: orderReadModel,
      settings,
      logger,
      exclusive,
    });
    started.push(o);
    return {
      analytics,
      orders,
      subscriptions: { analytics: a, orders: o },
      async stop() {
        await Promise.all(started.map((s) => s.stop()));
        await Promise.all([analytics.close(), orders.close()]);
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.stop()));
    await Promise.all([analytics.close(), orders.close()]);
    throw error;
  }
}
