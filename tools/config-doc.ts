// `npm run docs:config`: writes docs/configuration.md from the environment schema's metadata (src/config/env.ts); test/config checks it is current.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import { envSchema } from '../src/config/env.js';

export const configurationDocPath = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

/** One row of the document: a setting as the schema describes it. */
export interface SettingRow {
  name: string;
  /** As an operator writes it (lists comma-separated); undefined when the setting has no default. */
  defaultValue: string | undefined;
  /** The values an enumerated setting accepts. */
  values: readonly string[] | undefined;
  description: string | undefined;
  roles: readonly string[];
}

/** A parsed default as an operator writes it: lists comma-separated, scalars as they are. */
function asWritten(value: unknown): string {
  if (Array.isArray(value)) return value.map(asWritten).join(',');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Every setting of the schema, in its order, with its default and its `.meta()`. */
export function settingRows(): SettingRow[] {
  const defaults: Record<string, unknown> = envSchema.parse({});
  return Object.entries(envSchema.shape).map(([name, field]) => {
    let inner: z.ZodType = field;
    while (inner instanceof z.ZodDefault || inner instanceof z.ZodOptional) inner = inner.unwrap() as z.ZodType;
    const value = defaults[name];
    const meta = field.meta();
    return {
      name,
      defaultValue: value === undefined ? undefined : asWritten(value),
      values: inner instanceof z.ZodEnum ? (inner.options as string[]) : undefined,
      description: meta?.description,
      roles: meta?.roles ?? [],
    };
  });
}

const code = (text: string) => `\`${text}\``;
/** Roles in code type; `every role` as words; `npm run x` as the command it is. */
const reader = (name: string) => (name === 'every role' ? name : code(name));

/** A section per setting, so a changed description changes its own lines only. */
function section(row: SettingRow): string[] {
  const values = row.values ? ` (one of ${row.values.map(code).join(', ')})` : '';
  return [
    `## ${code(row.name)}`,
    '',
    `- Default: ${row.defaultValue === undefined ? 'unset' : code(row.defaultValue)}${values}`,
    `- Read by: ${row.roles.map(reader).join(', ')}`,
    '',
    row.description ?? '',
    '',
  ];
}

/** The whole document, formatted as `npm run format` would leave it. */
export async function renderConfigurationDoc(): Promise<string> {
  const markdown = [
    '# Configuration',
    '',
    '<!-- Written by `npm run docs:config` from the schema in src/config/env.ts: edit the descriptions there. -->',
    '',
    'Every setting is an environment variable. `src/config/env.ts` is the only code that reads the environment: it',
    'validates every variable once at start-up, and a bad value stops the process with a message naming the variable.',
    'An empty value counts as unset. The defaults let `npm run dev` run with no configuration at all.',
    '',
    '"Read by" names the roles (`npm start -- --role <role>`) and the commands that read a setting; `--role all` and',
    '`npm run dev` run every role, so they read what all the roles read.',
    '',
    ...settingRows().flatMap(section),
  ].join('\n');
  return format(markdown, { ...(await resolveConfig(configurationDocPath)), filepath: configurationDocPath });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(configurationDocPath, await renderConfigurationDoc());
  console.log(`wrote ${configurationDocPath}`);
}
