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
