import { beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  cutRelease,
  describeMissing,
  missingJobs,
  readReleaseFile,
  releaseFilePath,
  releaseProblems,
  type LeaderboardGrid,
} from './release.ts';
import { ResultStore } from '../store/store.ts';
import { failedRecord } from '../run/execute.ts';
import { testRecordContext } from '../testing/fixtures.ts';
import { jobId, type JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { gatherCitation } from '../cite/gather.ts';
import { renderBibtex } from '../cite/render.ts';

let repo: string;
let results: string;
let citation: string;
const job = (seed: number): JobSpec => ({
  ...currentVersions(),
  task: { id: 'blobs', version: '1' },
  method: { id: 'alpha', version: '1.0.0', hyperparameters: {} },
  control: null,
  sparsity: 0.9,
  seed,
});
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
const grid = (seeds: number[]): LeaderboardGrid[] => [{ id: 'board', version: '3', jobs: seeds.map(job) }];

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'pb-release-'));
  results = join(repo, 'results');
  citation = join(repo, 'CITATION.cff');
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.org');
  git('config', 'user.name', 'T');
  const store = new ResultStore(results);
  for (const seed of [0, 1]) store.write(failedRecord(job(seed), testRecordContext, 'prune', 'boom', null));
  writeFileSync(
    citation,
    'cff-version: 1.2.0\nmessage: Cite it.\ntitle: "PruneBench: test"\nauthors:\n  - name: PruneBench contributors\nversion: 0.0.9\ndate-released: "2026-01-01"\n',
  );
  mkdirSync(join(repo, 'methods', 'alpha'), { recursive: true });
  writeFileSync(
    join(repo, 'methods', 'alpha', 'manifest.json'),
    JSON.stringify({
      id: 'alpha',
      name: 'Alpha',
      version: '1.0.0',
      description: 't',
      when: 'init',
      scope: 'global',
      needs: [],
      hyperparameters: {},
    }),
  );
  git('add', '-A');
  git('commit', '-q', '-m', 'records');
});

describe('prunebench release', () => {
  it('freezes every record with its SHA-256, sets CITATION.cff, commits and tags', async () => {
    const head = git('rev-parse', 'HEAD');
    const { file, release } = await cutRelease({
      release: 'v0.1.0',
      resultsDir: results,
      citationFile: citation,
      grids: grid([0, 1]),
      date: '2026-12-03',
    });
    expect(file).toBe(releaseFilePath(results, 'v0.1.0'));
    expect(readReleaseFile(file)).toEqual(release);
    expect(release).toMatchObject({
      release: 'v0.1.0',
      date: '2026-12-03',
      commit: head,
      suites: [{ id: 'board', version: '3', jobs: 2 }],
    });
    expect(release.records.map((r) => r.id).sort()).toEqual([jobId(job(0)), jobId(job(1))].sort());
    expect(parseYaml(readFileSync(citation, 'utf8'))).toMatchObject({ version: '0.1.0', 'date-released': '2026-12-03' });
    expect(git('status', '--porcelain')).toBe('');
    expect(git('log', '-1', '--format=%s')).toMatch(/^Release v0\.1\.0: 2 records of board v3 at /);
    expect(git('tag')).toBe('v0.1.0');
    expect(releaseProblems(results, release)).toEqual([]);
  });

  it('refuses a bad name, an existing release, a dirty worktree and an incomplete grid (listing the jobs)', async () => {
    const opts = { resultsDir: results, citationFile: citation, grids: grid([0, 1]) };
    await expect(cutRelease({ ...opts, release: '0.1' })).rejects.toThrow(/not of the form vX\.Y\.Z/);
    await expect(cutRelease({ ...opts, release: 'v0.1.0', grids: grid([0, 1, 2]) })).rejects.toThrow(
      /grids are incomplete: 1 job has no record:\n {2}board v3: blobs alpha s=0\.9 seed 2/,
    );
    writeFileSync(join(repo, 'stray.txt'), 'x');
    await expect(cutRelease({ ...opts, release: 'v0.1.0' })).rejects.toThrow(/worktree is dirty \(stray\.txt\)/);
    rmSync(join(repo, 'stray.txt'));
    await cutRelease({ ...opts, release: 'v0.1.0' });
    await expect(cutRelease({ ...opts, release: 'v0.1.0' })).rejects.toThrow(/exists: a release is never overwritten/);
  });

  it('lets validate see a record that a release lists changed or removed', async () => {
    const { release } = await cutRelease({ release: 'v0.1.0', resultsDir: results, citationFile: citation, grids: grid([0, 1]) });
    const [first, second] = release.records;
    writeFileSync(join(results, first.path), readFileSync(join(results, first.path), 'utf8').replace('boom', 'bang'));
    rmSync(join(results, second.path));
    expect(releaseProblems(results, release)).toEqual([
      `record ${first.id} (${first.path}) changed since v0.1.0 (SHA-256 differs)`,
      `record ${second.id} (${second.path}) is listed by v0.1.0 but no longer exists`,
    ]);
  });

  it('is cited from its release file even where the git tag is absent', async () => {
    const { release } = await cutRelease({ release: 'v0.1.0', resultsDir: results, citationFile: citation, grids: grid([0, 1]) });
    git('tag', '-d', 'v0.1.0');
    const out = renderBibtex(
      await gatherCitation({ release: 'v0.1.0', resultsDir: results, methodsDir: join(repo, 'methods'), citationFile: citation }),
    );
    expect(out).toMatch(
      new RegExp(
        `@misc\\{prunebench_v0_1_0,[\\s\\S]*version = \\{v0\\.1\\.0\\}[\\s\\S]*note = \\{release file results/releases/v0\\.1\\.0\\.json, records of commit ${release.commit}\\}`,
      ),
    );
    expect(out).toContain('alpha');
  });
});

describe('missingJobs', () => {
  it("lists jobs with no record and jobs whose record is stale (its method's code changed since)", () => {
    const store = new ResultStore(results);
    const recorded = store.read(job(0))!.provenance.methodSourceHash;
    const texts = (hash: string | null) => missingJobs(store, grid([0, 1, 2]), () => hash).map((m) => m.text);
    expect(texts(recorded)).toEqual(['board v3: blobs alpha s=0.9 seed 2']);
    expect(texts('c'.repeat(64))).toEqual([
      "board v3: blobs alpha s=0.9 seed 0 (stale record: the method's code changed since)",
      "board v3: blobs alpha s=0.9 seed 1 (stale record: the method's code changed since)",
      'board v3: blobs alpha s=0.9 seed 2',
    ]);
  });

  it('lists the first 50 missing jobs, then counts all of them per grid and task', () => {
    const missing = (grid: string, task: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({ grid, task, text: `${grid}: ${task} m s=0.9 seed ${i}` }));
    const text = describeMissing([
      ...missing('standard v2', 'a', 40),
      ...missing('standard v2', 'b', 20),
      ...missing('controls v1', 'a', 3),
    ]);
    const lines = text.split('\n');
    expect(lines.slice(0, 50)).toEqual([
      ...Array.from({ length: 40 }, (_, i) => `  standard v2: a m s=0.9 seed ${i}`),
      ...Array.from({ length: 10 }, (_, i) => `  standard v2: b m s=0.9 seed ${i}`),
    ]);
    expect(lines.slice(50)).toEqual([
      '  … and 13 more. Jobs with no record, per grid and task:',
      '    standard v2: a: 40',
      '    standard v2: b: 20',
      '    controls v1: a: 3',
    ]);
    expect(describeMissing(missing('standard v2', 'a', 2))).toBe('  standard v2: a m s=0.9 seed 0\n  standard v2: a m s=0.9 seed 1');
  });
});
