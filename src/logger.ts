// Structured JSON logging (pino) for every process; one logger per process, children per component.
import { pino, type Logger } from 'pino';

export type { Logger };

/** Creates the process logger; `name` says which role wrote a line when several roles share stdout. */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({ name, level });
}
