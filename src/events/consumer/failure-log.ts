// Remembers each retried event's last error in the service's database, so whichever instance dead-letters it can say why.
import type { Kysely } from 'kysely';
import type { BookkeepingTables } from './bookkeeping.js';

export interface EventFailure {
  consumer: string;
  streamSeq: number;
  subject: string;
  deliveries: number;
  error: string;
}

/**
 * The advisory that an event exhausted its deliveries can reach any instance of the service (or one started
 * later), not the one that saw the last error; the error therefore lives in the database they share.
 */
export interface FailureLog {
  record(failure: EventFailure): Promise<void>;
  last(consumer: string, streamSeq: number): Promise<EventFailure | undefined>;
  clear(consumer: string, streamSeq: number): Promise<void>;
}

export class KyselyFailureLog implements FailureLog {
  constructor(private readonly db: Kysely<BookkeepingTables>) {}

  async record(failure: EventFailure): Promise<void> {
    const row = {
      consumer: failure.consumer,
      stream_seq: failure.streamSeq,
      subject: failure.subject,
      deliveries: failure.deliveries,
      error: failure.error,
      failed_at: new Date().toISOString(),
    };
    await this.db
      .insertInto('event_failures')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['consumer', 'stream_seq']).doUpdateSet({
          deliveries: row.deliveries,
          error: row.error,
          failed_at: row.failed_at,
        }),
      )
      .execute();
  }

  async last(consumer: string, streamSeq: number): Promise<EventFailure | undefined> {
    const row = await this.db
      .selectFrom('event_failures')
      .selectAll()
      .where('consumer', '=', consumer)
      .where('stream_seq', '=', streamSeq)
      .executeTakeFirst();
    return (
      row && {
        consumer: row.consumer,
        streamSeq: row.stream_seq,
        subject: row.subject,
        deliveries: row.deliveries,
        error: row.error,
      }
    );
  }

  async clear(consumer: string, streamSeq: number): Promise<void> {
    await this.db
      .deleteFrom('event_failures')
      .where('consumer', '=', consumer)
      .where('stream_seq', '=', streamSeq)
      .execute();
  }
}
