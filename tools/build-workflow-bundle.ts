// `npm run build`: bundles the workflow code once, so production order workers start without bundling.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowInterceptorModules } from '../src/tracing/temporal.js';
import { workflowsSourcePath } from '../src/workers/roles/orders.js';

const output = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
const { code } = await bundleWorkflowCode({ workflowsPath: workflowsSourcePath, workflowInterceptorModules });
await mkdir(dirname(output), { recursive: true });
await writeFile(output, code);
console.log(`workflow bundle written to ${output} (${Math.round(code.length / 1024)} KiB); run the orders role with WORKFLOW_BUNDLE=${output}`);
