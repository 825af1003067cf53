// Starts the real Temporal dev server (Temporal CLI `server start-dev`) with its Web UI and our search attributes.
import type { SearchAttributeType } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes.js';
import { resolveTemporalCli } from '../../tools/servers.mjs';
import { orderSearchAttributes } from '../shared/search-attributes.js';
import { startServerProcess, type ServerProcess, type StartOptions } from './server-process.js';
import { temporalServing } from './temporal-health.js';

export interface TemporalDevServerOptions extends Pick<StartOptions, 'pidFile' | 'dieWithParent'> {
  host?: string;
  port: number;
  /** Web UI port; omitted means headless (tests). */
  uiPort?: number;
  /** SQLite file for persistent state; omitted means in-memory (tests). */
  dbFile?: string;
  logFile?: string;
  /**
   * The codec server the Web UI sends payloads to for display (`--ui-codec-endpoint`): the API's `/codec`. The
   * UI calls it from the browser, so it must be an address the browser reaches.
   */
  uiCodecEndpoint?: string;
  searchAttributes?: SearchAttributeKey<SearchAttributeType>[];
}

export interface TemporalDevServer extends ServerProcess {
  readonly address: string;
  readonly uiUrl: string | undefined;
}

/** The CLI's names for search attribute types in `--search-attribute Key=Type`. */
const cliTypeNames: Record<SearchAttributeType, string> = {
  TEXT: 'Text',
  KEYWORD: 'Keyword',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
  KEYWORD_LIST: 'KeywordList',
};

/** Starts the dev server and resolves once its frontend answers gRPC health checks. */
export async function startTemporalDevServer(options: TemporalDevServerOptions): Promise<TemporalDevServer> {
  const {
    host = '127.0.0.1',
    port,
    uiPort,
    dbFile,
    logFile,
    pidFile,
    dieWithParent,
    uiCodecEndpoint,
    searchAttributes = orderSearchAttributes,
  } = options;
  const address = `${host}:${port}`;
  const args = ['server', 'start-dev', '--ip', host, '--port', String(port), '--log-level', 'warn'];
  // The dev server's one history shard hands tasks to matching at most 20 polls a second by default, which
  // adds ~40 ms to every workflow and activity task (docs/performance.md); a local server can afford more.
  args.push('--dynamic-config-value', 'history.transferProcessorMaxPollRPS=1000');
  args.push(...(uiPort ? ['--ui-port', String(uiPort)] : ['--headless']));
  if (uiPort && uiCodecEndpoint) args.push('--ui-codec-endpoint', uiCodecEndpoint);
  // WAL keeps writes durable without the cost of a full sync per commit (never synchronous=OFF).
  if (dbFile)
    args.push('--db-filename', dbFile, '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  for (const key of searchAttributes) args.push('--search-attribute', `${key.name}=${cliTypeNames[key.type]}`);

  const server = await startServerProcess({
    name: 'temporal dev server',
    binary: resolveTemporalCli(),
    args,
    ports: uiPort ? [port, uiPort] : [port],
    ready: () => temporalServing(address),
    logFile,
    pidFile,
    dieWithParent,
    timeoutMs: 60_000,
  });
  return Object.assign(server, { address, uiUrl: uiPort ? `http://localhost:${uiPort}` : undefined });
}
