// Test runner settings: few workers (2-core machines), long timeouts for real servers, errors-only logs unless LOG_LEVEL says otherwise.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/setup.ts'],
    // Tests provoke failures on purpose (declined cards, refused refunds, poison events); at the default level each
    // would print a warning with a stack trace. So: errors only, and only those of a test that failed. A developer
    // who sets LOG_LEVEL sees every line at that level as it comes, e.g.
    // `LOG_LEVEL=debug npx vitest run test/workflows/order-saga.happy.test.ts`. Child processes inherit LOG_LEVEL.
    env: { LOG_LEVEL: process.env.LOG_LEVEL || 'error' },
    silent: process.env.LOG_LEVEL ? false : 'passed-only',
  },
});
