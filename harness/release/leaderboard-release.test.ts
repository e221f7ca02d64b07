/**
 * `prunebench release`, `validate` and `cite --release` on the registered leaderboard suites (standard
 * v2 with its planted-density sparsities, controls, planted-variants, lenet300-methods): every job
 * of those grids gets a (failed, so cheap) record in a scratch repository.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cutRelease, releaseFilePath } from './release.ts';
import { leaderboardGrids } from '../../cli/release-command.ts';
import { citeCommand } from '../../cli/cite-command.ts';
import { validateCommand } from '../../cli/validate-command.ts';
import { ResultStore } from '../store/store.ts';
import { failedRecord } from '../run/execute.ts';
import { testRecordContext } from '../testing/fixtures.ts';
import { describeJob, jobId, type JobSpec } from '../jobs/spec.ts';
import { methodsDir } from '../registry/methods.ts';
import { currentSourceHashes } from '../run/job-done.ts';

const grids = leaderboardGrids();
const uniqueJobs = [...new Map(grids.flatMap((g) => g.jobs).map((j) => [jobId(j), j] as const)).values()];
const find = (grid: string, test: (job: JobSpec) => boolean): JobSpec => grids.find((g) => g.id === grid)!.jobs.find(test)!;
// Held back at first: a planted-density job of standard and a control job of controls.
const plantedDensityJob = find(
  'standard',
  (j) => j.task.id === 'planted-relu-d5-w100' && j.sparsity === 0.99983 && j.method?.id === 'imp' && j.seed === 2,
);
const controlJob = find('controls', (j) => j.method?.id === 'snip' && j.control === 'inverted' && j.sparsity === 0.98 && j.seed === 1);

let repo: string;
let results: string;
let citation: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
const sourceHash = currentSourceHashes();
// Records as the current methods would make them: a record of older method code is stale, and a release refuses it.
const write = (store: ResultStore, jobs: JobSpec[]) => {
  for (const job of jobs) {
    const record = failedRecord(job, testRecordContext, 'prune', 'not run: release test', null);
    record.provenance.methodSourceHash = job.method ? sourceHash(job.method.id) : null;
    store.write(record);
  }
};

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'pb-leaderboard-release-'));
  results = join(repo, 'results');
  citation = join(repo, 'CITATION.cff');
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 't@example.org');
  git('config', 'user.name', 'T');
  writeFileSync(
    citation,
    'cff-version: 1.2.0\nmessage: Cite it.\ntitle: "PruneBench: test"\nauthors:\n  - name: PruneBench contributors\nversion: 0.0.9\ndate-released: "2026-01-01"\n',
  );
  const held = new Set([jobId(plantedDensityJob), jobId(controlJob)]);
  write(
    new ResultStore(results),
    uniqueJobs.filter((j) => !held.has(jobId(j))),
  );
  git('add', '-A');
  git('commit', '-q', '-m', 'records');
}, 120_000);

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('a release of the registered leaderboard suites', () => {
  it('requires the suites that select the registered methods, with their planted-density and control jobs', () => {
    expect(grids.map((g) => `${g.id} v${g.version}: ${g.jobs.length}`)).toEqual([
      'lenet300-methods v1: 219',
      'standard v2: 3798',
      'controls v1: 387',
      'planted-variants v1: 2028',
    ]);
    expect(describeJob(plantedDensityJob)).toBe('planted-relu-d5-w100 imp s=0.99983 seed 2');
    expect(describeJob(controlJob)).toBe('mnist-lenet300 snip+inverted s=0.98 seed 1');
    // controls' uncontrolled runs and dense references are standard's own jobs.
    expect(uniqueJobs.length).toBe(219 + 3798 + 288 + 2028);
  });

  it('refuses while a job lacks a record, naming it; then cuts, validates and is cited from its file', async () => {
    const opts = { release: 'v0.1.0', resultsDir: results, citationFile: citation, grids, date: '2026-12-07' };
    await expect(cutRelease(opts)).rejects.toThrow(
      /grids are incomplete: 2 jobs have no record:\n {2}standard v2: planted-relu-d5-w100 imp s=0\.99983 seed 2\n {2}controls v1: mnist-lenet300 snip\+inverted s=0\.98 seed 1$/,
    );
    write(new ResultStore(results), [plantedDensityJob, controlJob]);
    git('add', '-A');
    git('commit', '-q', '-m', 'the last two');
    const { release } = await cutRelease(opts);
    expect(release.suites).toEqual(grids.map((g) => ({ id: g.id, version: g.version, jobs: g.jobs.length })));
    expect(release.records).toHaveLength(uniqueJobs.length);

    const file = releaseFilePath(results, 'v0.1.0');
    let out = '';
    expect(await validateCommand([file], { results }, (line) => (out += `${line}\n`))).toBe(0);
    expect(out).toContain('valid: 0 manifests, 0 records, 0 reproductions, 1 releases; 0 errors, 0 warnings');

    git('tag', '-d', 'v0.1.0');
    let bibtex = '';
    expect(
      await citeCommand({ format: 'bibtex', release: 'v0.1.0', results, methodsDir, citationFile: citation }, (t) => (bibtex += t)),
    ).toBe(0);
    expect(bibtex).toMatch(/@misc\{prunebench_v0_1_0,[\s\S]*version = \{v0\.1\.0\}/);
    // The papers of the methods its records name, e.g. the lottery ticket paper for imp.
    expect(bibtex).toContain('The Lottery Ticket Hypothesis');

    const changed = join(results, release.records.find((r) => r.id === jobId(controlJob))!.path);
    writeFileSync(changed, readFileSync(changed, 'utf8').replace('not run: release test', 'changed'));
    out = '';
    expect(await validateCommand([file], { results }, (line) => (out += `${line}\n`))).toBe(1);
    expect(out).toContain(
      `record ${jobId(controlJob)} (runs/mnist-lenet300/snip+inverted/${jobId(controlJob)}.json) changed since v0.1.0 (SHA-256 differs)`,
    );
  }, 180_000);
});
