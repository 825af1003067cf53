// The migration that widens a read model's position columns to bigint on PostgreSQL (SQLite's integers are 64-bit already).
import type { Migration } from 'kysely';
import { engineOf } from '../db/database.js';

/**
 * Positions compared by projections are `orderPosition`s (src/events/order-sequence.ts): a sequenced event's is above
 * 2^48, past PostgreSQL's 4-byte `integer`. Widening keeps every stored value (stream positions, all below 2^31).
 */
export function positionsToBigint(table: string, columns: readonly string[]): Migration {
  return {
    async up(db) {
      if (engineOf(db) !== 'postgres') return;
      for (const column of columns) {
        await db.schema
          .alterTable(table)
          .alterColumn(column, (c) => c.setDataType('bigint'))
          .execute();
      }
    },
    async down(db) {
      if (engineOf(db) !== 'postgres') return;
      for (const column of columns) {
        await db.schema
          .alterTable(table)
          .alterColumn(column, (c) => c.setDataType('integer'))
          .execute();
      }
    },
  };
}
