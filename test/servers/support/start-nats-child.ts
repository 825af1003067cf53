// A stand-in for a main command: starts nats-server with a pid file and waits, so a test can kill -9 it.
// Usage: node --import tsx start-nats-child.ts <pidFile> <port> <monitorPort> <storeDir> <die-with-parent: 0|1>
import { startNatsServer } from '../../../src/servers/nats-server.js';

const [pidFile = '', port = '', monitorPort = '', storeDir = '', die = '0'] = process.argv.slice(2);
const server = await startNatsServer({
  port: Number(port),
  monitorPort: Number(monitorPort),
  storeDir,
  pidFile,
  dieWithParent: die === '1',
});
console.log(`ready ${server.pid}`);
setInterval(() => undefined, 60_000);
