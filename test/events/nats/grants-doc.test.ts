// docs/security.md's table of NATS grants and deploy/nats/users.conf come from the code that configures the server.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deployedUsersConfig, natsPasswordVariable } from '../../../src/events/nats/server-config.js';
import { natsUsers } from '../../../src/events/nats/permissions.js';
import { deployedUsersPath, renderSecurityDoc, securityDocPath } from '../../../tools/nats-grants-doc.js';

describe('the NATS grants as written down', () => {
  it('docs/security.md has the table `npm run docs:nats` writes from src/events/nats/permissions.ts', async () => {
    const committed = readFileSync(securityDocPath, 'utf8');
    expect(committed, 'docs/security.md is out of date: run `npm run docs:nats`').toBe(
      await renderSecurityDoc(committed),
    );
  });

  it('deploy/nats/users.conf is the same users and grants, every password a variable', () => {
    const committed = readFileSync(deployedUsersPath, 'utf8');
    expect(committed, 'deploy/nats/users.conf is out of date: run `npm run docs:nats`').toBe(deployedUsersConfig());
    const passwords = [...committed.matchAll(/^\s*password: (.*)$/gm)].map((m) => m[1]);
    expect(passwords).toEqual(natsUsers.map((user) => `$${natsPasswordVariable(user)}`));
  });
});
