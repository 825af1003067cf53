// Port helpers for the local servers: pick free ports for tests, and refuse to start on a taken port with a clear cause.
import { createServer } from 'node:net';

/** Asks the OS for a free port on the loopback interface. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/**
 * A free port in [`from`, `below`), tried at random: for a server that cannot take the OS's ephemeral ports (Temporal
 * stores its membership ports in a `smallint`).
 */
export async function freePortInRange(from: number, below: number, host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = from + Math.floor(Math.random() * (below - from));
    if (!(await portInUse(port, host))) return port;
  }
  throw new Error(`no free port between ${from} and ${below - 1} on ${host}`);
}

/** True when something already listens on host:port. */
export async function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(true));
    server.listen(port, host, () => server.close(() => resolve(false)));
  });
}
