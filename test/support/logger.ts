// The logger every test hands to the code under test: LOG_LEVEL's level (errors only unless set), through the console.
import { loadConfig } from '../../src/config/env.js';
import { createLogger } from '../../src/logger.js';
import type { Logger } from '../../src/logger.js';

/**
 * Through the console, so vitest keeps each line with its test (and by default shows only failing tests' lines);
 * at LOG_LEVEL, so `LOG_LEVEL=debug npx vitest run <file>` shows what the code under test logged.
 */
export function testLogger(name = 'test'): Logger {
  return createLogger(name, loadConfig().LOG_LEVEL, { write: (line) => console.error(line.trimEnd()) });
}
