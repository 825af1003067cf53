// The base of every service store: it owns one service's open database, and closing the store closes it.
import type { Kysely } from 'kysely';

/** Holds the database the store's queries run on; `close` ends its connections (pool or file). */
export abstract class KyselyStore<DB> {
  constructor(protected readonly db: Kysely<DB>) {}

  async close(): Promise<void> {
    await this.db.destroy();
  }
}
