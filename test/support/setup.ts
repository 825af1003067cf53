// Per-test-file setup: the Temporal SDK (its TypeScript side and Core) logs through our logger at LOG_LEVEL (errors only unless the developer sets it; vitest.config.ts).
import { loadConfig } from '../../src/config/env.js';
import { createLogger } from '../../src/logger.js';
import { installTemporalRuntime } from '../../src/workers/temporal-runtime.js';

try {
  // Through the console, not straight to stdout: vitest then keeps each line with its test and, by default, shows
  // only the lines of tests that failed.
  installTemporalRuntime(
    createLogger('test', loadConfig().LOG_LEVEL, { write: (line) => console.error(line.trimEnd()) }),
  );
} catch {
  // Already installed in this process by an earlier file; the first setting stands.
}
