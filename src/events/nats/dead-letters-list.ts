// Lists the dead letters without changing anything: what an operator's view of the dead-letter queue reads.
import type { NatsConnection } from '@nats-io/transport-node';
import type { DeadLetter } from './dead-letters.js';
import { redriveDeadLetters } from './redrive.js';

/** Every dead letter (optionally one consumer's), oldest first. */
export async function listDeadLetters(nc: NatsConnection, consumer?: string): Promise<DeadLetter[]> {
  return redriveDeadLetters({ nc, dryRun: true, ...(consumer === undefined ? {} : { consumer }) });
}
