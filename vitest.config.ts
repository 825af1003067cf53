// Test runner settings: few workers (2-core machines), long timeouts for real servers, errors-only logs unless LOG_LEVEL says otherwise; heavy suites in a serial project of their own.
import { defineConfig } from 'vitest/config';

/** Suites that run whole systems of processes (several per role, their own servers): one file at a time, after the rest. */
const heavy = [
  'test/scale/**/*.test.ts',
  'test/chaos/**/*.test.ts',
  'test/cluster/**/*.test.ts',
  'test/api/contract/**/*.test.ts',
  // A real browser against the main command's servers.
  'test/**/*.browser.test.ts',
  // The whole main command (its own Temporal, NATS and Jaeger) for one assertion each.
  'test/**/*.heavy.test.ts',
];

export default defineConfig({
  test: {
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
    // `npx vitest run --project default` skips the heavy suites; `--project heavy` runs only them.
    projects: [
      {
        extends: true,
        test: { name: 'default', include: ['test/**/*.test.ts'], exclude: heavy },
      },
      {
        extends: true,
        // After the default project (groupOrder), so the two never compete for the two cores.
        test: { name: 'heavy', include: heavy, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
