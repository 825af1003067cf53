// The one error a local server's start fails with: a single line naming the cause.
/** A local server failed to start; the message is a single line naming the cause. */
export class ServerStartError extends Error {
  readonly code = 'SERVER_START_FAILED';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServerStartError';
  }
}
