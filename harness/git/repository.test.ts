import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compareReleaseNames, Repository } from './repository.ts';

let dir: string;
let repo: Repository;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
}

function write(path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'pb-repository-')));
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'test@example.org');
  git('config', 'user.name', 'Test');
  write('results/runs/a.json', '{"a": 1}\n');
  write('results/runs/b.json', 'é\n');
  write('notes.md', 'n\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'one');
  git('tag', 'v0.10.0');
  write('results/runs/a.json', '{"a": 2}\n');
  git('commit', '-q', '-am', 'two');
  git('tag', 'v0.9.1');
  git('tag', 'v1');
  repo = (await Repository.open(join(dir, 'results', 'not-yet')))!;
});

describe('the git repository holding a directory', () => {
  it('is found from a directory that does not exist yet, and not outside any repository', async () => {
    expect(repo.root).toBe(dir);
    expect(await Repository.open(mkdtempSync(join(tmpdir(), 'pb-no-repo-')))).toBeNull();
  });

  it('gives paths relative to its root, through symbolic links, and null outside it', () => {
    const link = join(mkdtempSync(join(tmpdir(), 'pb-link-')), 'repo');
    symlinkSync(dir, link);
    expect(repo.relativePath(join(link, 'results', 'runs'))).toBe('results/runs');
    expect(repo.relativePath(join(dir, 'results', 'new', 'deeper'))).toBe('results/new/deeper');
    expect(repo.relativePath(dir)).toBe('');
    expect(repo.relativePath(tmpdir())).toBeNull();
  });

  it('lists release tags by version, not by name, with commit and date', async () => {
    const tags = await repo.releaseTags();
    expect(tags.map((t) => t.tag)).toEqual(['v0.9.1', 'v0.10.0']);
    expect(tags[0]!.commit).toBe(git('rev-parse', 'HEAD'));
    expect(tags[1]!.commit).toBe(git('rev-parse', 'HEAD~1'));
    expect(tags[0]!.date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(tags[0]!.version).toEqual([0, 9, 1]);
    expect(['v1.0.0', 'v0.10.0', 'v0.9.1'].sort(compareReleaseNames)).toEqual(['v0.9.1', 'v0.10.0', 'v1.0.0']);
    expect(() => compareReleaseNames('v1', 'v1.0.0')).toThrow("'v1' is not a release name (vX.Y.Z)");
  });

  it('reads files at a revision: one, all under a folder, or their paths', async () => {
    expect(await repo.fileAt('v0.10.0', 'results/runs/a.json')).toBe('{"a": 1}\n');
    expect(await repo.fileAt('v0.10.0', 'results/runs/missing.json')).toBeNull();
    const files = await repo.filesAt('v0.10.0', 'results', (p) => p.endsWith('.json'));
    expect(files).toEqual([
      { path: 'results/runs/a.json', text: '{"a": 1}\n' },
      { path: 'results/runs/b.json', text: 'é\n' },
    ]);
    expect(await repo.pathsAt('HEAD', '')).toEqual(['notes.md', 'results/runs/a.json', 'results/runs/b.json']);
    expect(await repo.pathsAt('no-such-rev', 'results')).toEqual([]);
  });

  it('knows refs, merge bases, HEAD, and what the working tree changed', async () => {
    expect(await repo.refExists('v0.9.1')).toBe(true);
    expect(await repo.refExists('origin/nope')).toBe(false);
    expect(await repo.mergeBase('v0.10.0', 'HEAD')).toBe(git('rev-parse', 'HEAD~1'));
    expect(await repo.head()).toBe(git('rev-parse', 'HEAD'));
    expect(await repo.isDirty()).toBe(false);
    write('results/runs/c.json', '{}\n');
    rmSync(join(dir, 'results/runs/b.json'));
    try {
      expect(await repo.isDirty()).toBe(true);
      expect((await repo.changedFiles()).sort()).toEqual(['results/runs/b.json', 'results/runs/c.json']);
      expect(await repo.changedSince('v0.10.0', 'results')).toEqual([
        { status: 'M', path: 'results/runs/a.json' },
        { status: 'D', path: 'results/runs/b.json' },
      ]);
    } finally {
      git('checkout', '-q', '--', 'results/runs/b.json');
      rmSync(join(dir, 'results/runs/c.json'));
    }
  });
});
