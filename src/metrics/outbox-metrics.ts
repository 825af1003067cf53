// The outbox gauges of one service (backlog, oldest unpublished event's age), read from its table at each scrape.
import type { Outbox } from '../events/outbox/outbox.js';
import { outboxOldestAge, outboxPending } from './series.js';

/** Adds the service's outbox to the process's gauges; the returned function removes it (the role stops). */
export function sampleOutbox(outbox: Outbox, now: () => number = Date.now): () => void {
  // One read of the table serves both gauges of a scrape.
  let reading: Promise<Awaited<ReturnType<Outbox['backlog']>>> | undefined;
  const read = () =>
    (reading ??= outbox.backlog().finally(() => {
      setImmediate(() => (reading = undefined));
    }));
  const labels = { service: outbox.service };
  const removePending = outboxPending.add(async (sample) => sample(labels, (await read()).pending));
  const removeAge = outboxOldestAge.add(async (sample) => {
    const { oldestPendingAt } = await read();
    sample(labels, oldestPendingAt === undefined ? 0 : Math.max(0, (now() - Date.parse(oldestPendingAt)) / 1000));
  });
  return () => {
    removePending();
    removeAge();
  };
}
