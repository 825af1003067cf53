// The analytics role: the analytics and order read models, each on its own durable (run several to share the load).
import { eventSettingsFromConfig } from '../../events/nats/settings.js';
import { readModelLocations } from '../../read-models/databases.js';
import { startAnalyticsService } from '../../read-models/service.js';
import type { RoleStarter } from '../role.js';

export const startAnalytics: RoleStarter = async (ctx) => {
  const logger = ctx.logger.child({ role: 'analytics' });
  const service = await startAnalyticsService({
    nc: await ctx.nats(),
    locations: readModelLocations(ctx.config),
    settings: eventSettingsFromConfig(ctx.config),
    logger,
  });
  return {
    name: 'analytics',
    stop: async () => {
      await service.stop();
      // Competing instances share each durable, so only an instance itself knows its share of the work.
      const { analytics, orders } = service.subscriptions;
      logger.info({ handled: { [analytics.consumer]: analytics.stats, [orders.consumer]: orders.stats } }, 'stopped');
    },
  };
};
