// The compatibility gate: compares a catalogue's payload schemas with the committed contract and names every breaking change.
import { entryVersions } from '../catalogue.js';
import type { CatalogueEntry } from '../catalogue.js';
import { jsonSchemaOf } from './asyncapi.js';
import type { JsonSchema } from './asyncapi.js';

/**
 * Keywords whose change alters what a value may be. Any change counts, loosening too: an event is read by
 * consumers that validate with the old schema (a looser producer breaks them) and replayed from the stream by the
 * new code (a tighter schema refuses events already stored).
 */
const constraintKeywords = [
  'type',
  'const',
  'format',
  'pattern',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'minItems',
  'maxItems',
] as const;

/** The payload schema of every message version, keyed `<EventName>.v<n>`, as the contract states it. */
export type ContractPayloads = Record<string, JsonSchema>;

/** The payload (`data`) schemas of a catalogue, or of a copy of it, keyed like the contract's messages. */
export function cataloguePayloads(catalogue: Record<string, CatalogueEntry>): ContractPayloads {
  return Object.fromEntries(
    Object.entries(catalogue).flatMap(([name, entry]) =>
      entryVersions(entry).map(({ version, schema }) => [`${name}.v${version}`, jsonSchemaOf(schema)]),
    ),
  );
}

/** The payload schemas a committed AsyncAPI document (docs/asyncapi.yaml, parsed) states for each event version. */
export function committedPayloads(document: unknown): ContractPayloads {
  const messages = (document as { components?: { messages?: Record<string, JsonSchema> } }).components?.messages ?? {};
  const payloads: ContractPayloads = {};
  for (const [key, message] of Object.entries(messages)) {
    const data = ((message.payload as JsonSchema | undefined)?.properties as Record<string, JsonSchema> | undefined)
      ?.data;
    if (/^\w+\.v\d+$/.test(key) && data) payloads[key] = data;
  }
  return payloads;
}

const asObject = (value: unknown): JsonSchema | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonSchema) : undefined;
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** The breaking differences between one field's committed schema and its schema now, at `path`. */
function compareSchemas(path: string, before: JsonSchema, after: JsonSchema, problems: string[]): void {
  for (const keyword of constraintKeywords) {
    const was = JSON.stringify(before[keyword]);
    const now = JSON.stringify(after[keyword]);
    if (was !== now) problems.push(`${path}: ${keyword} changed from ${was ?? 'unset'} to ${now ?? 'unset'}`);
  }
  const removedValues = strings(before.enum).filter((v) => !strings(after.enum).includes(v));
  if (before.enum !== undefined && removedValues.length > 0) {
    problems.push(`${path}: enum value${removedValues.length > 1 ? 's' : ''} ${removedValues.join(', ')} removed`);
  }
  if (before.additionalProperties !== false && after.additionalProperties === false) {
    problems.push(`${path}: now refuses fields it does not know`);
  }
  const beforeProps = asObject(before.properties) ?? {};
  const afterProps = asObject(after.properties) ?? {};
  const wasRequired = strings(before.required);
  for (const [field, schema] of Object.entries(beforeProps)) {
    const now = asObject(afterProps[field]);
    if (now === undefined) problems.push(`${path}.${field}: field removed or renamed`);
    else compareSchemas(`${path}.${field}`, asObject(schema) ?? {}, now, problems);
  }
  for (const field of strings(after.required)) {
    if (!wasRequired.includes(field)) {
      problems.push(
        `${path}.${field}: ${field in beforeProps ? 'optional field made required' : 'new required field'}`,
      );
    }
  }
  const beforeItems = asObject(before.items);
  const afterItems = asObject(after.items);
  if (beforeItems && afterItems) compareSchemas(`${path}[]`, beforeItems, afterItems, problems);
}

/**
 * Every breaking change of `current` against `committed`, one line each, or none. `removedVersions: 'ignore'` is
 * for earlier revisions of the contract: a whole version retired is checked against the latest revision only. An existing version may gain
 * optional fields, enum values and descriptions; a new version or a new event is always allowed; anything else
 * would break a consumer of that version or the replay of events already stored.
 */
export function breakingChanges(
  committed: ContractPayloads,
  current: ContractPayloads,
  options: { removedVersions?: 'report' | 'ignore' } = {},
): string[] {
  const problems: string[] = [];
  for (const [key, before] of Object.entries(committed)) {
    const after = current[key];
    if (after === undefined) {
      // Against an earlier revision a version may be gone: retired as docs/events.md says (the latest one reports it).
      if (options.removedVersions !== 'ignore') {
        problems.push(`${key}: version removed from the catalogue, yet consumers may still receive it`);
      }
      continue;
    }
    compareSchemas(`${key} data`, before, after, problems);
  }
  return problems;
}

/** What to do instead, for the gate's failure message. */
export const compatibilityAdvice =
  'An existing event version may only gain optional fields. Publish the change as a new version instead: give the ' +
  'event a new schema and `version` in src/events/catalogue.ts, move the old schema to `previous` with an upcaster ' +
  'to the new one, add a producer setting if consumers must move first, then run `npm run docs:asyncapi` ' +
  '(docs/events.md, "Versioning events").';

/** A catalogue that would break consumers of a version the contract already published. */
export class BreakingContractChangeError extends Error {
  override readonly name = 'BreakingContractChangeError';
  readonly code = 'BreakingContractChange';

  constructor(readonly problems: readonly string[]) {
    super(`breaking change to the published event contract:\n- ${problems.join('\n- ')}\n${compatibilityAdvice}`);
  }
}

/** Throws `BreakingContractChangeError` listing every breaking change, or returns quietly. */
export function assertCompatible(committed: ContractPayloads, current: ContractPayloads): void {
  const problems = breakingChanges(committed, current);
  if (problems.length > 0) throw new BreakingContractChangeError(problems);
}
