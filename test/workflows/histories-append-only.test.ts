// The committed workflow histories are append-only: no release's history is ever modified or deleted.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findHistoryRewrites, historiesPath } from '../support/history-guard.js';
import { compareReleases, currentRelease, historyReleases, retiredReleases } from '../support/histories.js';
import { previousRelease } from '../support/previous-release.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

describe('committed workflow histories', () => {
  it('were never modified or deleted in any commit or in the working tree', () => {
    const report = findHistoryRewrites(repoRoot);
    if (report.shallow) console.warn('shallow clone: only the commits it holds were checked for history rewrites');
    expect(report.violations, 'a release’s recorded history may only be added to: bump package.json `version`').toEqual(
      [],
    );
  });

  it('live in one folder per release, none newer than package.json’s version', async () => {
    const releases = await historyReleases();
    expect(releases.length).toBeGreaterThan(0);
    for (const release of releases) expect(compareReleases(release, currentRelease)).toBeLessThanOrEqual(0);
  });

  it('replay the current release and the one before it: neither can be retired, whose orders may be in flight', async () => {
    // Without this, one commit could break the workflow, retire every older release and record new histories.
    const previous = previousRelease().version;
    const retired = await retiredReleases();
    for (const release of [currentRelease, previous]) {
      expect(retired.has(release), `${release} is listed in retired.txt`).toBe(false);
      expect(await historyReleases(), `${release} has recorded histories`).toContain(release);
    }
  });
});

describe('the append-only guard itself', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  /** A scratch repository with one committed history in release 1.0.0. */
  function scratchRepo(): { dir: string; git: (...args: string[]) => string; history: string } {
    const dir = mkdtempSync(join(tmpdir(), 'history-guard-'));
    dirs.push(dir);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, encoding: 'utf8' });
    git('init', '-q');
    const history = join(historiesPath, '1.0.0', 'happy-path.json');
    mkdirSync(join(dir, historiesPath, '1.0.0'), { recursive: true });
    writeFileSync(join(dir, history), '{"events":[1]}\n');
    git('add', '.');
    git('commit', '-qm', 'record 1.0.0');
    return { dir, git, history };
  }

  it('accepts a new release added beside the old one', () => {
    const { dir, git } = scratchRepo();
    mkdirSync(join(dir, historiesPath, '1.1.0'), { recursive: true });
    writeFileSync(join(dir, historiesPath, '1.1.0', 'happy-path.json'), '{"events":[2]}\n');
    git('add', '.');
    git('commit', '-qm', 'record 1.1.0');
    expect(findHistoryRewrites(dir).violations).toEqual([]);
  });

  it('reports a re-recorded history, committed or not', () => {
    const { dir, git, history } = scratchRepo();
    writeFileSync(join(dir, history), '{"events":[1,2]}\n');
    expect(findHistoryRewrites(dir).violations).toEqual([`working tree M ${history}`]);
    git('commit', '-qam', 're-record');
    expect(findHistoryRewrites(dir).violations).toEqual([
      expect.stringMatching(new RegExp(`^[0-9a-f]+ M ${history}$`)),
    ]);
  });

  it('reports a release taken back out of the retired list', () => {
    const { dir, git } = scratchRepo();
    const retired = join(dir, historiesPath, 'retired.txt');
    writeFileSync(retired, '1.0.0 drained\n');
    git('add', '.');
    git('commit', '-qm', 'retire 1.0.0');
    writeFileSync(retired, '1.0.0 drained\n1.1.0 drained\n');
    git('commit', '-qam', 'retire 1.1.0');
    expect(findHistoryRewrites(dir).violations).toEqual([]);
    writeFileSync(retired, '1.1.0 drained\n');
    git('commit', '-qam', 'un-retire 1.0.0');
    expect(findHistoryRewrites(dir).violations).toEqual([
      expect.stringMatching(/removed from .*retired\.txt: 1\.0\.0 drained$/),
    ]);
  });

  it('reports a history deleted, or moved out of its release', () => {
    const { dir, git, history } = scratchRepo();
    git('mv', history, join(historiesPath, 'happy-path.json'));
    git('commit', '-qm', 'move it away');
    expect(findHistoryRewrites(dir).violations).toEqual([
      expect.stringMatching(new RegExp(`^[0-9a-f]+ D ${history}$`)),
    ]);
  });
});
