// Reads git to find committed workflow histories that were ever modified or deleted: they may only be added to.
import { execFileSync } from 'node:child_process';

/** Where the histories live inside the repository, one folder per release. */
export const historiesPath = 'test/workflows/histories';

export interface GuardReport {
  /** One line per offending change: `<commit> <status> <path>`, or `working tree <status> <path>`. */
  violations: string[];
  /** True when the clone is shallow: only the commits it holds could be checked. */
  shallow: boolean;
}

/**
 * A manifest of checksums could be rewritten in the same commit that rewrites a history; git's own record
 * cannot. So this lists every commit that modified (M) or deleted (D) a file inside a release folder
 * (`<release>/<scenario>.json`), with renames reported as a delete plus an add (moving a history away is
 * deleting it), and the same for uncommitted changes in the working tree.
 */
export function findHistoryRewrites(repoDir: string): GuardReport {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoDir, encoding: 'utf8' });
  const pathspec = `:(glob)${historiesPath}/*/**`;
  const violations: string[] = [];
  let commit = '';
  for (const line of git('log', '--no-renames', '--diff-filter=MD', '--name-status', '--format=@%h', '--', pathspec)
    .split('\n')
    .filter(Boolean)) {
    if (line.startsWith('@')) commit = line.slice(1);
    else violations.push(`${commit} ${line.replace('\t', ' ')}`);
  }
  for (const line of git('status', '--porcelain', '--no-renames', '--', pathspec).split('\n').filter(Boolean)) {
    const status = line.slice(0, 2);
    if (/[MD]/.test(status)) violations.push(`working tree ${status.trim()} ${line.slice(3)}`);
  }
  // The list of retired releases may only grow: a line taken out of it would bring a release back unchecked.
  const retired = `${historiesPath}/retired.txt`;
  commit = '';
  for (const line of git('log', '-p', '--no-renames', '--format=@%h', '--', retired).split('\n')) {
    if (line.startsWith('@')) commit = line.slice(1);
    else if (line.startsWith('-') && !line.startsWith('---'))
      violations.push(`${commit} removed from ${retired}: ${line.slice(1)}`);
  }
  const shallow = git('rev-parse', '--is-shallow-repository').trim() === 'true';
  return { violations, shallow };
}
