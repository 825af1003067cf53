// Registers the order search attributes on a Temporal test server, which starts with none of them.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { orderSearchAttributes } from '../../src/shared/search-attributes.js';

type IndexedValueType = NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>>;

/**
 * The time-skipping server (unlike the dev server) has no start-up option for custom search attributes, and
 * the workflow's first `upsertSearchAttributes` fails its workflow task if they are missing. Its operator
 * service does implement AddSearchAttributes (ListSearchAttributes is UNIMPLEMENTED), so register them
 * there; "already exists" from a second harness in the same server is fine.
 */
export async function registerOrderSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  const searchAttributes: Record<string, IndexedValueType> = {};
  for (const key of orderSearchAttributes) {
    const type = encodeSearchAttributeIndexedValueType(key.type);
    if (type === undefined) throw new Error(`No indexed value type for search attribute ${key.name}`);
    searchAttributes[key.name] = type;
  }
  try {
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes,
    });
  } catch (error) {
    if (!/already exists/i.test(String(error))) throw error;
  }
}
