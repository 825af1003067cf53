// Holds one transaction right after a chosen statement so a test can run another in the gap: a race made deterministic.
import type { Kysely, KyselyPlugin, QueryId, QueryResult, RootOperationNode, UnknownRow } from 'kysely';

export interface QueryGate<DB> {
  /** `db` with the gate installed: hand it to the code whose transaction is to be held. */
  readonly db: Kysely<DB>;
  /** Settles once the first statement matching the pattern has run and is being held (its transaction still open). */
  readonly reached: Promise<string>;
  /** Lets the held statement's caller go on. */
  release(): void;
}

/**
 * The first statement whose SQL matches `pattern` runs as usual; its result is handed back only on `release()`, so
 * the caller's transaction stays open, holding whatever locks it has taken, while the test does something else. Every
 * other statement passes straight through. A plugin, not a stub: the real driver runs every query.
 */
export function gateAfter<DB>(db: Kysely<DB>, pattern: RegExp): QueryGate<DB> {
  const executor = db.getExecutor();
  const sqlOf = new Map<QueryId, string>();
  let armed = true;
  let reachedWith!: (sql: string) => void;
  const reached = new Promise<string>((resolve) => (reachedWith = resolve));
  let releaseWith!: () => void;
  const released = new Promise<void>((resolve) => (releaseWith = resolve));
  const plugin: KyselyPlugin = {
    transformQuery({ node, queryId }): RootOperationNode {
      if (armed) sqlOf.set(queryId, executor.compileQuery(node, queryId).sql);
      return node;
    },
    async transformResult({ result, queryId }): Promise<QueryResult<UnknownRow>> {
      const sql = sqlOf.get(queryId);
      sqlOf.delete(queryId);
      if (armed && sql !== undefined && pattern.test(sql)) {
        armed = false;
        reachedWith(sql);
        await released;
      }
      return result;
    },
  };
  return { db: db.withPlugin(plugin), reached, release: () => releaseWith() };
}

/** Resolves with `true` once `work` has settled, or `false` after `ms`: did it finish while the gate was held? */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
