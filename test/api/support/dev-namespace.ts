// Gives a test file a Temporal namespace of its own on the suite's dev server, with the order search attributes.
import { randomUUID } from 'node:crypto';
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes.js';
import { orderSearchAttributes } from '../../../src/shared/search-attributes.js';

type IndexedValueType = NonNullable<ReturnType<typeof encodeSearchAttributeIndexedValueType>>;

/**
 * The workflow's activity task queues are fixed constants, so two test files running workers against the
 * same server would steal each other's activity tasks (and write to each other's in-memory stores). Task
 * queues are scoped to a namespace, so a namespace per file isolates them completely; registering one on
 * the dev server takes well under a second. Search attributes are per namespace and added here.
 */
export async function createTestNamespace(connection: Connection, prefix: string): Promise<string> {
  const namespace = `${prefix}-${randomUUID().slice(0, 8)}`;
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs('1 day'),
  });
  const searchAttributes: Record<string, IndexedValueType> = {};
  for (const key of orderSearchAttributes) {
    const type = encodeSearchAttributeIndexedValueType(key.type);
    if (type === undefined) throw new Error(`No indexed value type for search attribute ${key.name}`);
    searchAttributes[key.name] = type;
  }
  const deadline = Date.now() + 15_000;
  let added = false;
  for (;;) {
    try {
      if (!added) await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
      added = true;
      await connection.workflowService.describeNamespace({ namespace });
      return namespace;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
