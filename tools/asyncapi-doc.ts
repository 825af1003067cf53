// `npm run docs:asyncapi`: writes docs/asyncapi.yaml, the event contract, from the catalogue (src/events/contract/asyncapi.ts); test/events/contract checks it is current.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { stringify } from 'yaml';
import { asyncApiDocument } from '../src/events/contract/asyncapi.js';

export const asyncApiDocPath = fileURLToPath(new URL('../docs/asyncapi.yaml', import.meta.url));

/** The committed text: a header saying where it comes from, then the document, formatted as `npm run format` would. */
export async function renderAsyncApiDoc(): Promise<string> {
  const header =
    '# Written by `npm run docs:asyncapi` from src/events/catalogue.ts: edit the schemas there, never this file.\n' +
    '# The compatibility gate (test/events/contract/compatibility.test.ts) compares the catalogue with this file.\n';
  const yaml = header + stringify(asyncApiDocument(), { aliasDuplicateObjects: false, lineWidth: 0 });
  return format(yaml, { ...(await resolveConfig(asyncApiDocPath)), filepath: asyncApiDocPath });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await writeFile(asyncApiDocPath, await renderAsyncApiDoc());
  console.log(`wrote ${asyncApiDocPath}`);
}
