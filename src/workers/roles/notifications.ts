// The notifications role: one instance of the durable `notifications` subscriber (run several to share the load).
import { eventSettingsFromConfig } from '../../events/nats/settings.js';
import { readModelLocations } from '../../read-models/databases.js';
import { startNotificationsService } from '../../read-models/notifications/subscription.js';
import type { RoleStarter } from '../role.js';

export const startNotifications: RoleStarter = async (ctx) => {
  const service = await startNotificationsService({
    nc: await ctx.nats(),
    location: readModelLocations(ctx.config).notifications,
    settings: eventSettingsFromConfig(ctx.config),
    logger: ctx.logger.child({ role: 'notifications' }),
  });
  return { name: 'notifications', stop: () => service.stop() };
};
