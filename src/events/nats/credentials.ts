// Which NATS user a process connects as, and with what password: from the configuration, else the data folder's.
import type { Config } from '../../config/env.js';
import type { NatsAuth } from './connection.js';
import type { NatsUser } from './permissions.js';
import { readNatsPasswords } from './passwords.js';

/**
 * The credentials for acting as `user`. A deployment sets `NATS_USER` and `NATS_PASSWORD` (one user per process; a
 * process running several roles needs a user granted all of theirs). Without them, a data folder the main command
 * started on holds every user's password (src/events/nats/passwords.ts), so the roles, the operator commands and the
 * set-up each connect as themselves; with neither, the process connects without a user, to a server that asks none.
 */
export function natsCredentials(config: Config, user: NatsUser): NatsAuth {
  const ca = config.NATS_TLS_CA_FILE === undefined ? {} : { caFile: config.NATS_TLS_CA_FILE };
  if (config.NATS_USER !== undefined) return { user: config.NATS_USER, pass: config.NATS_PASSWORD ?? '', ...ca };
  const pass = readNatsPasswords(config.DATA_DIR)?.[user];
  return pass === undefined ? ca : { user, pass, ...ca };
}
