// Clean shutdown on SIGINT/SIGTERM: the first signal runs the stop sequence, a second one exits at once.
import type { Logger } from '../logger.js';

/**
 * A Ctrl-C reaches us twice (from the terminal's process group and forwarded by npm), so only a signal
 * that comes this long after the first counts as the user insisting.
 */
const repeatAfterMs = 1_000;

/** Calls `stop` once on the first SIGINT or SIGTERM and exits 0 when it resolves (1 if it throws). */
export function exitOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < repeatAfterMs) return;
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    stoppingSince = Date.now();
    logger.info({ signal }, 'shutting down (send the signal again to exit at once)');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}
