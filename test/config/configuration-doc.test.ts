// docs/configuration.md is the schema's own account of every setting: it must match src/config/env.ts exactly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { roleNames } from '../../src/workers/role.js';
import { configurationDocPath, renderConfigurationDoc, settingRows } from '../../tools/config-doc.js';

const scripts = Object.keys(
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: object }).scripts,
);

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` writes from the schema today', async () => {
    const committed = readFileSync(configurationDocPath, 'utf8');
    expect(committed, 'docs/configuration.md is out of date: run `npm run docs:config`').toBe(
      await renderConfigurationDoc(),
    );
  });

  it('has a description and at least one reader for every setting', () => {
    const undocumented = settingRows()
      .filter((r) => !r.description?.trim() || r.roles.length === 0)
      .map((r) => r.name);
    expect(undocumented, 'settings without .meta({ description, roles }) in src/config/env.ts').toEqual([]);
  });

  it('names only roles that exist, `every role`, and npm scripts that exist as readers', () => {
    const known = (reader: string) =>
      reader === 'every role' ||
      (roleNames as readonly string[]).includes(reader) ||
      (reader.startsWith('npm run ') && scripts.includes(reader.slice('npm run '.length)));
    const unknown = settingRows().flatMap((r) =>
      r.roles.filter((reader) => !known(reader)).map((x) => `${r.name}: ${x}`),
    );
    expect(unknown).toEqual([]);
  });
});
