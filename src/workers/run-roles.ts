// Starts a set of roles in this process and stops them in reverse order; shared by main.ts and dev.ts.
import type { ProcessContext } from './role-context.js';
import type { RoleName, RunningRole } from './role.js';
import { roleStarters } from './registry.js';

/** Starts roles one by one; if one fails, those already started are stopped before the error propagates. */
export async function startRoles(
  ctx: Pick<ProcessContext, 'forRole'>,
  names: readonly RoleName[],
): Promise<RunningRole[]> {
  const started: RunningRole[] = [];
  try {
    for (const name of names) started.push(await roleStarters[name](ctx.forRole(name)));
    return started;
  } catch (error) {
    await stopRoles(started);
    throw error;
  }
}

/** Stops in reverse start order, so the API stops taking orders before the workers behind it drain. */
export async function stopRoles(roles: RunningRole[]): Promise<void> {
  for (const role of roles.splice(0).reverse()) await role.stop();
}
