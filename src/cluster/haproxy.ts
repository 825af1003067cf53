// The cluster's TCP load balancer: Debian's HAProxy on deploy/haproxy/haproxy.cfg, in front of both Temporal frontends
// and both API processes, as a cluster's clients reach them.
import { connect } from 'node:net';
import { join } from 'node:path';
import { resolveHaproxy } from '../../tools/debian.mjs';
import type { ClusterLayout } from './layout.js';
import { deployFiles } from './paths.js';
import type { ProcessSpec } from './supervisor.js';

/** Something accepts TCP connections on 127.0.0.1:`port`. */
export function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** The variables haproxy.cfg reads: the two listening addresses and the backends (compose sets container names). */
export function haproxyEnv(layout: ClusterLayout): Record<string, string> {
  const [t1, t2] = layout.temporal;
  const [a1, a2] = layout.processes.filter((p) => p.role === 'api');
  if (!t1 || !t2 || a1?.apiPort === undefined || a2?.apiPort === undefined) {
    throw new Error('the load balancer needs two Temporal frontends and two API processes');
  }
  const { temporalPort, apiPort } = layout.settings;
  return {
    TEMPORAL_LB_BIND: `127.0.0.1:${temporalPort}`,
    TEMPORAL_1_ADDRESS: `127.0.0.1:${t1.frontendGrpc}`,
    TEMPORAL_2_ADDRESS: `127.0.0.1:${t2.frontendGrpc}`,
    API_LB_BIND: `127.0.0.1:${apiPort}`,
    API_1_ADDRESS: `127.0.0.1:${a1.apiPort}`,
    API_2_ADDRESS: `127.0.0.1:${a2.apiPort}`,
  };
}

/** HAProxy in the foreground on the shared file, ready once both of its addresses accept connections. */
export function haproxySpec(layout: ClusterLayout): ProcessSpec {
  const { temporalPort, apiPort } = layout.settings;
  return {
    name: 'haproxy',
    binary: resolveHaproxy(),
    // -db: stay in the foreground, so stopping the process we started stops the load balancer.
    args: ['-db', '-f', deployFiles.haproxy],
    env: haproxyEnv(layout),
    ports: [temporalPort, apiPort],
    ready: async () => (await accepts(temporalPort)) && (await accepts(apiPort)),
    logFile: join(layout.dirs.logs, 'haproxy.log'),
  };
}
