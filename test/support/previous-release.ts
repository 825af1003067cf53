// Finds the previous release's commit in git and bundles its workflow code, for the test that runs an order across a release.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode } from '@temporalio/worker';
import { currentRelease } from './histories.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

const git = (...args: string[]): string => execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).trim();

export interface PreviousRelease {
  version: string;
  commit: string;
}

/**
 * The release before the current one: the commit that set package.json's `version` to it (its release commit, where
 * its histories were recorded). Not the newest commit still carrying that version: the workflow changes of the next
 * release are merged before its version is bumped, so that commit holds the current workflow code already.
 * Needs the history (a fresh `git clone`, not a shallow one) and fails with what to do otherwise.
 */
export function previousRelease(): PreviousRelease {
  const missing = (why: string) =>
    new Error(
      `the cross-release test needs the git history to find the release before ${currentRelease}: ${why}. ` +
        'Run it in a full clone (`git fetch --unshallow` in a shallow one).',
    );
  let commits: string[];
  try {
    if (git('rev-parse', '--is-shallow-repository') === 'true') throw missing('this clone is shallow');
    commits = git('log', '--first-parent', '--format=%H', '--', 'package.json').split('\n').filter(Boolean);
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('the cross-release test')) throw error;
    throw missing(`git could not read it (${error instanceof Error ? error.message : String(error)})`);
  }
  let found: PreviousRelease | undefined;
  for (const commit of commits) {
    const { version } = JSON.parse(git('show', `${commit}:package.json`)) as { version: string };
    if (found && version !== found.version) break;
    if (found) found.commit = commit;
    else if (version !== currentRelease) found = { version, commit };
  }
  if (!found) throw missing(`no commit has a package.json version other than ${currentRelease}`);
  return found;
}

/**
 * The workflow bundle of `commit`: its `src/` extracted with `git archive` into a temporary folder that borrows this
 * checkout's node_modules, bundled from there, and the folder removed.
 */
export async function bundleWorkflowAt(commit: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'order-saga-release-'));
  try {
    const tar = execFileSync('git', ['archive', '--format=tar', commit, 'src', 'package.json'], {
      cwd: repoRoot,
      maxBuffer: 256 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    await symlink(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const silent = () => undefined;
    const logger = { log: silent, trace: silent, debug: silent, info: silent, warn: silent, error: silent };
    const { code } = await bundleWorkflowCode({ workflowsPath: join(dir, 'src/workflows/index.ts'), logger });
    return code;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
