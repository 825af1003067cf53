// Structured JSON logging (pino) for every process; one logger per process, children per component.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/**
 * Creates the process logger; `name` says which role wrote a line when several roles share stdout. The level comes
 * from LOG_LEVEL (src/config/env.ts). `destination` is stdout unless given: the tests write through the console, so
 * the test runner can tell which test a line belongs to.
 */
export function createLogger(name: string, level = 'info', destination?: DestinationStream): Logger {
  return destination ? pino({ name, level }, destination) : pino({ name, level });
}
