// Kysely's SQLite dialect with transactions that take the write lock first (BEGIN IMMEDIATE), waiting for it asynchronously.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from 'better-sqlite3';
import { CompiledQuery, SqliteDialect, SqliteDriver } from 'kysely';
import type { DatabaseConnection, Driver, TransactionSettings } from 'kysely';

/**
 * SQLite begins a plain `BEGIN` (DEFERRED) transaction as a reader and upgrades it to a writer at its first write.
 * Under WAL, when another connection committed in between, the upgrade fails at once with SQLITE_BUSY_SNAPSHOT: the
 * busy timeout does not apply, because waiting cannot make the stale snapshot current. Every store here reads and
 * then writes in its transactions (a row's state, the read model's pointer), so every transaction begins IMMEDIATE:
 * it takes the write lock first, and what it reads is current until it commits.
 *
 * Waiting for that lock is done here, not in SQLite's busy handler: better-sqlite3 is synchronous, so the busy
 * handler would stop the whole process (its HTTP server, its NATS heartbeats, its other databases) for up to the
 * busy timeout. BEGIN IMMEDIATE is tried without waiting and retried on the event loop, with short growing pauses,
 * until `busyTimeoutMs` has passed; then the SQLITE_BUSY error is thrown as the busy handler would have.
 *
 * A transaction asked for as `read only` (`db.transaction().setAccessMode('read only')`) stays DEFERRED: a snapshot
 * for a consistent read, without the write lock, so readers never wait for writers under WAL.
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(
    private readonly sqlite: Database,
    private readonly busyTimeoutMs: number,
  ) {
    super({ database: sqlite });
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.sqlite, this.busyTimeoutMs);
  }
}

/** Kysely's SQLite driver with its own `begin` (its declared signature has no settings; Kysely passes them). */
class ImmediateSqliteDriver extends SqliteDriver {
  constructor(
    private readonly sqlite: Database,
    private readonly busyTimeoutMs: number,
  ) {
    super({ database: sqlite });
  }

  override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
    if (settings?.accessMode === 'read only') {
      await connection.executeQuery(CompiledQuery.raw('begin deferred'));
      return;
    }
    await beginImmediate(this.sqlite, this.busyTimeoutMs);
  }
}

/** The longest pause between two tries: short, so a lock released is taken soon after. */
const maxPauseMs = 25;

async function beginImmediate(sqlite: Database, busyTimeoutMs: number): Promise<void> {
  const deadline = Date.now() + busyTimeoutMs;
  for (let pauseMs = 1; ; pauseMs = Math.min(pauseMs * 2, maxPauseMs)) {
    sqlite.pragma('busy_timeout = 0');
    try {
      sqlite.exec('begin immediate');
      return;
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
    } finally {
      sqlite.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    }
    // A little jitter, so two processes that collided do not keep retrying in step.
    await sleep(Math.min(pauseMs * (0.5 + Math.random()), Math.max(0, deadline - Date.now())));
  }
}

function isBusy(error: unknown): boolean {
  return error instanceof Error && (error as { code?: unknown }).code === 'SQLITE_BUSY';
}
