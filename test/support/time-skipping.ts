// Starts Temporal's real time-skipping test server (the Java one that tools/bootstrap.mjs provisions) for a test file.
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTestServer } from '../../tools/servers.mjs';

/**
 * The SDK gives an `existing-path` server about 5 seconds to answer; the launcher starts the JVM in well
 * under a second, and a failure here names that budget instead of surfacing a bare connection error.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const path = resolveTestServer();
  try {
    return await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: path ? { type: 'existing-path', path } : { type: 'cached-download' } },
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `the time-skipping test server (${path ?? 'SDK download'}) did not start within the SDK's 5 s: ${reason}. ` +
        'Check `java -version`, or run `node tools/bootstrap.mjs`.',
      { cause: error },
    );
  }
}
