// Errors raised while preparing a service's database.

/** A migration failed; the service must not start against a half-migrated schema. */
export class MigrationFailedError extends Error {
  override readonly name = 'MigrationFailedError';
  readonly code = 'MigrationFailed';

  constructor(
    readonly service: string,
    readonly migration: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(`migration ${migration ?? '(unknown)'} of the ${service} database failed`, options);
  }
}

/** A database URL names an engine this service cannot open; the message says which forms it accepts. */
export class UnsupportedDatabaseUrlError extends Error {
  override readonly name = 'UnsupportedDatabaseUrlError';
  readonly code = 'UnsupportedDatabaseUrl';

  constructor(readonly url: string) {
    super(
      `unsupported database URL ${redactUrl(url)}: use postgres://user:password@host:port/database, ` +
        'sqlite:<path>, a file path, or :memory:',
    );
  }
}

/** A URL as it may appear in an error message or a log line: without its password. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

/** SQLite's and PostgreSQL's (42P01) answers to a query on a table no migration has created yet. */
export function isMissingTableError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (error as { code?: unknown }).code === '42P01' || /no such table/i.test(error.message);
}
