// `npm run docs:nats`: writes the NATS users' grants into docs/security.md and deploy/nats/users.conf, both from
// src/events/nats/permissions.ts; test/events/nats/grants-doc.test.ts checks both are current.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { natsGrants, natsUsers } from '../src/events/nats/permissions.js';
import { deployedUsersConfig } from '../src/events/nats/server-config.js';

export const securityDocPath = fileURLToPath(new URL('../docs/security.md', import.meta.url));
export const deployedUsersPath = fileURLToPath(new URL('../deploy/nats/users.conf', import.meta.url));

const start = '<!-- nats-grants:start: written by `npm run docs:nats` from src/events/nats/permissions.ts -->';
const end = '<!-- nats-grants:end -->';

const subjects = (list: readonly string[]) => (list.length === 0 ? '—' : list.map((s) => `\`${s}\``).join(' '));

/** The table: one row per user, every subject it may publish to, those denied among them, and what it subscribes to. */
export function grantsTable(): string {
  const grants = natsGrants();
  const rows = natsUsers.map((user) => {
    const g = grants[user];
    return `| \`${user}\` | ${g.summary} | ${subjects(g.publish.allow)} | ${subjects(g.publish.deny)} | ${subjects(g.subscribe.allow)} |`;
  });
  return [
    '| user | for | may publish to | denied (wins over allowed) | may subscribe to |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** docs/security.md with the table between its markers, formatted as `npm run format` would leave it. */
export async function renderSecurityDoc(current: string): Promise<string> {
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  if (from < 0 || to < from) throw new Error(`${securityDocPath}: the markers ${start} ... ${end} are missing`);
  const markdown = `${current.slice(0, from)}${start}\n\n${grantsTable()}\n\n${current.slice(to)}`;
  return format(markdown, { ...(await resolveConfig(securityDocPath)), filepath: securityDocPath });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(securityDocPath, await renderSecurityDoc(await readFile(securityDocPath, 'utf8')));
  await writeFile(deployedUsersPath, deployedUsersConfig());
  console.log(`wrote ${securityDocPath} and ${deployedUsersPath}`);
}
