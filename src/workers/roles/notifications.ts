// The notifications role: one instance of the durable `notifications` subscriber (run several to share the load).
import { eventSettingsFromConfig } from '../../events/nats/settings.js';
import { readModelLocations } from '../../read-models/databases.js';
import { startNotificationsService } from '../../read-models/notifications/subscription.js';
import { databaseProbe } from '../readiness.js';
import type { RoleStarter } from '../role.js';

export const startNotifications: RoleStarter = async (ctx) => {
  const location = readModelLocations(ctx.config).notifications;
  const service = await startNotificationsService({
    nc: await ctx.nats(),
    location,
    settings: eventSettingsFromConfig(ctx.config),
    logger: ctx.logger.child({ role: 'notifications' }),
  });
  const database = databaseProbe('notifications', location);
  return {
    name: 'notifications',
    probes: [database],
    stop: async () => {
      await database.close();
      await service.stop();
    },
  };
};
