// The files of the clone the cluster runs from: the shared server configuration under deploy/, and the start command.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The configuration compose mounts and the runner reads: one copy of each (docs/scaling.md). */
export const deployFiles = {
  temporalConfigDir: join(repoRoot, 'deploy', 'temporal', 'config'),
  temporalSetupSchema: join(repoRoot, 'deploy', 'temporal', 'setup-schema.sh'),
  temporalInit: join(repoRoot, 'deploy', 'temporal', 'init.sh'),
  natsNode: (n: number) => join(repoRoot, 'deploy', 'nats', `nats-${n}.conf`),
  haproxy: join(repoRoot, 'deploy', 'haproxy', 'haproxy.cfg'),
  postgresInit: join(repoRoot, 'deploy', 'postgres', 'init.sql'),
  postgresInitScript: join(repoRoot, 'deploy', 'postgres', 'init.sh'),
} as const;
