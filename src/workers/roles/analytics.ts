// The analytics role: the analytics and order read models, each on its own durable (run several to share the load).
import { serviceDatabaseFile } from '../../db/sqlite.js';
import { eventSettingsFromConfig } from '../../events/nats/settings.js';
import { readModelFiles, startAnalyticsService } from '../../read-models/service.js';
import type { RoleStarter } from '../role.js';

export const startAnalytics: RoleStarter = async (ctx) => {
  const logger = ctx.logger.child({ role: 'analytics' });
  const service = await startAnalyticsService({
    nc: await ctx.nats(),
    files: readModelFiles((name) => serviceDatabaseFile(ctx.config.DATA_DIR, name)),
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
