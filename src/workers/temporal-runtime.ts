// Installs the Temporal SDK runtime for a process: SDK logs go through our logger, Core's are filtered by its level, its metrics go to a Prometheus exporter, and we, not the SDK, own the signals.
import { Runtime, type LogLevel, type LogMetadata, type Logger as TemporalLogger } from '@temporalio/worker';
import type { Logger } from '../logger.js';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Adapts pino to the SDK's logger interface; SDK info chatter (worker state changes) is demoted to debug. */
function sdkLogger(logger: Logger): TemporalLogger {
  const child = logger.child({ component: 'temporal-sdk' });
  const log = (level: LogLevel, message: string, meta?: LogMetadata) =>
    child[level === 'INFO' ? 'debug' : levels[level]](meta ?? {}, message);
  return {
    log,
    trace: (m, meta) => log('TRACE', m, meta),
    debug: (m, meta) => log('DEBUG', m, meta),
    info: (m, meta) => log('INFO', m, meta),
    warn: (m, meta) => log('WARN', m, meta),
    error: (m, meta) => log('ERROR', m, meta),
  };
}

/**
 * The most SDK Core (the native side) may say at our logger's level: its warnings (a server too old for a feature)
 * as the SDK's default, or only its errors when we log errors only. Core's INFO and DEBUG are per-poll chatter that
 * no LOG_LEVEL asks for.
 */
function coreLevel(level: string): LogLevel {
  return level === 'error' || level === 'fatal' || level === 'silent' ? 'ERROR' : 'WARN';
}

/**
 * Must run before the first worker is created. `shutdownSignals: []` stops the SDK from shutting workers down on its
 * own at SIGINT/SIGTERM, so our shutdown sequence (API first, then workers, then connections) stays in charge. Core
 * prints its own lines on stderr, filtered by `coreLevel`; they are not forwarded into `logger`, because forwarding
 * holds every SDK line back 100 ms and drops what it holds when a process ends without shutting the runtime down.
 */
export function installTemporalRuntime(logger: Logger, metrics?: { bindAddress: string }): void {
  Runtime.install({
    logger: sdkLogger(logger),
    shutdownSignals: [],
    telemetryOptions: {
      logging: { filter: { core: coreLevel(logger.level), other: 'ERROR' } },
      // Seconds, as every Prometheus duration is; `_total` on counters, as Prometheus names them.
      ...(metrics && {
        metrics: {
          prometheus: { bindAddress: metrics.bindAddress, useSecondsForDurations: true, countersTotalSuffix: true },
        },
      }),
    },
  });
}
