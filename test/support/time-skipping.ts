// Starts Temporal's real time-skipping test server (the Java one that tools/bootstrap.mjs provisions) for a test file.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTestServer } from '../../tools/servers.mjs';
import { testDataConverter } from './test-payload-keys.js';

/** How many times a start that missed the SDK's budget is tried before the file fails. */
const attempts = 3;

/**
 * The SDK gives an `existing-path` server about 5 seconds to answer; the launcher starts the JVM in well under a
 * second on a quiet machine, but a busy one (parallel test files each starting their JVM) can miss that budget, so a
 * missed start is tried again on a new port, and a failure here names the budget instead of a bare connection error.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = resolveTestServer();
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: path ? { type: 'existing-path', path } : { type: 'cached-download' } },
        // The saga workers use the same keys (saga-harness.ts): recorded histories are encrypted.
        client: { dataConverter: testDataConverter },
      });
    } catch (error) {
      if (attempt < attempts && /did not start within/.test(String(error))) continue;
      throw startFailure(path, error);
    }
  }
}

function startFailure(path: string | undefined, error: unknown): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(
    `the time-skipping test server (${path ?? 'SDK download'}) did not start within the SDK's 5 s ` +
      `(${attempts} tries): ${reason}. Check \`java -version\`, or run \`node tools/bootstrap.mjs\`.`,
    { cause: error },
  );
}
