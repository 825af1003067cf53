// The analytics role: the analytics and order read models, each on its own durable (run several to share the load).
import { serviceDatabaseFile } from '../../db/sqlite.js';
import { eventSettingsFromConfig } from '../../events/nats/settings.js';
import { readModelFiles, startAnalyticsService } from '../../read-models/service.js';
import type { RoleStarter } from '../role.js';

export const startAnalytics: RoleStarter = async (ctx) => {
  const service = await startAnalyticsService({
    nc: await ctx.nats(),
    files: readModelFiles((name) => serviceDatabaseFile(ctx.config.DATA_DIR, name)),
    settings: eventSettingsFromConfig(ctx.config),
    logger: ctx.logger.child({ role: 'analytics' }),
  });
  return { name: 'analytics', stop: () => service.stop() };
};
