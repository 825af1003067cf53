// Reads git for every committed revision of docs/asyncapi.yaml: a published event version is compared with all of them.
import { execFileSync } from 'node:child_process';
import { parse } from 'yaml';
import { committedPayloads } from '../../src/events/contract/compatibility.js';
import type { ContractPayloads } from '../../src/events/contract/compatibility.js';

/** Where the contract lives inside the repository. */
export const contractPath = 'docs/asyncapi.yaml';

export interface PublishedContract {
  /** The commit (short hash) that wrote this revision. */
  commit: string;
  payloads: ContractPayloads;
}

/**
 * Every revision of the contract any commit reachable from HEAD wrote, newest first. Regenerating the file in the
 * same commit as a breaking catalogue change rewrites the working copy, never these: the gate checks them all, which
 * is what keeps a published version from being changed by re-generating its contract. A shallow clone holds fewer.
 */
export function publishedContracts(repoDir: string): PublishedContract[] {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repoDir, encoding: 'utf8', maxBuffer: 64 << 20 });
  const commits = git('log', '--no-renames', '--diff-filter=AM', '--format=%h', '--', contractPath)
    .split('\n')
    .filter(Boolean);
  return commits.map((commit) => ({
    commit,
    payloads: committedPayloads(parse(git('show', `${commit}:${contractPath}`))),
  }));
}
