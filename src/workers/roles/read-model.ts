// The shape shared by the rebuildable read-model roles: one instance of the model on its durable, its share logged on stop.
import { eventSettingsFromConfig } from '../../events/nats/settings.js';
import { readModelLocations } from '../../read-models/databases.js';
import type { ReadModelLocations } from '../../read-models/databases.js';
import type { ReadModelService, ReadModelServiceOptions } from '../../read-models/service.js';
import { databaseProbe } from '../readiness.js';
import type { RoleName, RoleStarter } from '../role.js';

/**
 * Every instance takes its turns with the process's other read models (`ctx.exclusive`), so a process that runs
 * analytics and the order read model together (`--role analytics,order-read-model`, `all`, the main command) never
 * holds one SQLite file's lock while it waits for the other's.
 */
export function readModelRole(
  name: RoleName,
  location: keyof ReadModelLocations,
  start: (options: ReadModelServiceOptions) => Promise<ReadModelService<unknown>>,
): RoleStarter {
  return async (ctx) => {
    const logger = ctx.logger.child({ role: name });
    const where = readModelLocations(ctx.config)[location];
    const database = databaseProbe(name, where);
    const service = await start({
      nc: await ctx.nats(),
      location: where,
      settings: eventSettingsFromConfig(ctx.config),
      logger,
      exclusive: ctx.exclusive,
    });
    return {
      name,
      probes: [database],
      stop: async () => {
        await database.close();
        await service.stop();
        // Competing instances share the durable, so only an instance itself knows its share of the work.
        const { consumer, stats } = service.subscription;
        logger.info({ handled: { [consumer]: stats } }, 'stopped');
      },
    };
  };
}
