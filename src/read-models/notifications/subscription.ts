// Starts one instance of the notifications service: its database, the channel, and its subscription.
import { bookkeepingDb, inboxSize } from '../../events/consumer/bookkeeping.js';
import { startSubscription } from '../../events/consumer/durable-subscription.js';
import { KyselyFailureLog } from '../../events/consumer/failure-log.js';
import { pruneBookkeeping } from '../../events/consumer/inbox-pruning.js';
import { startReadModelService } from '../service.js';
import type { ReadModelService, ReadModelServiceOptions } from '../service.js';
import { storeAndLogChannel } from './channel.js';
import type { NotificationChannel } from './channel.js';
import { notificationProjection } from './projection.js';
import { openNotificationStore } from './store.js';
import type { NotificationStore } from './store.js';

export interface NotificationsOptions extends ReadModelServiceOptions {
  /** Defaults to storing in the service's database and logging. */
  channel?: NotificationChannel;
}

/** Not rebuildable (a customer is told once): one inbox scope, the consumer's, and no generations. */
export async function startNotificationsService(
  options: NotificationsOptions,
): Promise<ReadModelService<NotificationStore>> {
  const { nc, settings, logger, exclusive = (work) => work() } = options;
  const store = await openNotificationStore(options.location);
  return startReadModelService(store, () =>
    startSubscription({
      nc,
      handler: notificationProjection(store.db, options.channel ?? storeAndLogChannel(logger)),
      settings,
      failures: new KyselyFailureLog(bookkeepingDb(store.db)),
      logger,
      prune: (olderThan) => exclusive(() => pruneBookkeeping(bookkeepingDb(store.db), olderThan)),
      inboxSize: () => inboxSize(bookkeepingDb(store.db)),
    }),
  );
}
