import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSuite } from '../harness/jobs/plan.ts';
import { ResultStore } from '../harness/store/store.ts';
import { checkReproductionFiles } from '../harness/reproduce/check.ts';
import { recordsForPlan, type JobNumbers } from '../harness/testing/reproduction-fixtures.ts';
import type { RunCommandOptions } from './run-command.ts';
import { getTask } from '../suites/registry.ts';
import { listMethods } from '../harness/registry/methods.ts';
import { han2015 } from '../suites/papers/han2015.ts';
import { han2015Full } from '../suites/papers/full-data-variants.ts';
import { paperSuites } from '../suites/papers/index.ts';
import { reproduceCommand, type SuiteRunner } from './reproduce-command.ts';

const planOf = (suite: typeof han2015.suite) =>
  planSuite(suite, { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) });
const plan = planOf(han2015.suite);

let dir: string;
let printed: string[];
let logged: string[];
let runs: RunCommandOptions[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pb-reproduce-'));
  printed = [];
  logged = [];
  runs = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Stands in for `prunebench run`: writes a record for every job of the plan (han2015's by default) and returns `code`. */
function fakeRun(code: number, numbers: (task: string) => JobNumbers, jobs = plan): SuiteRunner {
  return async (opts) => {
    runs.push(opts);
    const store = new ResultStore(opts.results);
    for (const r of recordsForPlan(jobs, (spec) => numbers(spec.task.id))) store.write(r);
    return code;
  };
}

const reproduce = (paper: string | undefined, extra: object, runner: SuiteRunner) =>
  reproduceCommand(
    paper,
    { results: dir, cache: join(dir, 'cache'), workers: 2, progress: false, ...extra },
    (t) => printed.push(t),
    (l) => logged.push(l),
    runner,
  );

const good = () => ({ accuracy: 0.98, denseAccuracy: 0.98 });

describe('prunebench reproduce', () => {
  it('--list names every paper with its suite and claims', async () => {
    expect(await reproduce(undefined, { list: true }, fakeRun(0, good))).toBe(0);
    const text = printed.join('\n');
    for (const p of paperSuites) {
      expect(text).toContain(p.paper.id);
      expect(text).toContain(p.suite.id);
    }
    expect(text).toContain('Fischer & Burkholz 2022');
    // Each paper with an estimate from the committed records' wall times.
    expect(
      text.match(
        /^ +time: (about|\d+ of \d+ jobs on tasks with no committed record, so at least about) \d+ (s|min) of job time by the committed records' wall times, so about \d+ (s|min) with 2 workers on a similar CPU$/gm,
      ),
    ).toHaveLength(paperSuites.length);
    expect(runs).toEqual([]);
  });

  it('runs the paper suite through the runner, prints the table and writes a valid record', async () => {
    expect(await reproduce('han2015', {}, fakeRun(0, good))).toBe(0);
    expect(runs).toEqual([
      { suite: 'paper-han2015', workers: 2, results: dir, cache: join(dir, 'cache'), backend: undefined, progress: false },
    ]);
    const table = printed.join('\n');
    expect(table).toMatch(/claim\s+reported\s+measured\s+gap\s+tolerance\s+verdict/);
    expect(table).toContain('lenet300-no-loss-at-12x');
    expect(table).toContain('2 reproduced, 0 not reproduced, 0 not run');
    const file = join(dir, 'reproductions', 'han2015.json');
    expect(checkReproductionFiles([file])).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8')).summary).toEqual({ claims: 2, reproduced: 2, notReproduced: 0, notRun: 0 });
  });

  it('reproduces a full-data variant from its own suite and writes <id>-full.json', async () => {
    const fullPlan = planOf(han2015Full.suite);
    const numbers = (task: string) => (task === 'mnist-lenet300' ? { accuracy: 0.9, denseAccuracy: 0.98 } : good());
    expect(await reproduce('han2015-full', {}, fakeRun(0, numbers, fullPlan))).toBe(0);
    expect(runs.map((r) => r.suite)).toEqual(['paper-han2015-full']);
    const file = join(dir, 'reproductions', 'han2015-full.json');
    expect(checkReproductionFiles([file])).toEqual([]);
    expect(existsSync(join(dir, 'reproductions', 'han2015.json'))).toBe(false);
    const record = JSON.parse(readFileSync(file, 'utf8'));
    expect(record.paper).toEqual({ ...han2015.paper, id: 'han2015-full' });
    expect(record.suite).toMatchObject({ id: 'paper-han2015-full', tasks: ['mnist-lenet300', 'mnist-lenet5-2epochs'] });
    expect(record.claims.map((c: { id: string; verdict: string }) => [c.id, c.verdict])).toEqual([
      ['lenet300-no-loss-at-12x', 'not reproduced'],
      ['lenet5-no-loss-at-12x', 'reproduced'],
    ]);
    expect(new Set(record.claims.flatMap((c: { used: Array<{ task: string }> }) => c.used.map((u) => u.task)))).toEqual(
      new Set(['mnist-lenet300', 'mnist-lenet5-2epochs']),
    );
    expect(record.jobs).toHaveLength(fullPlan.dense.length + fullPlan.sparse.length);
  });

  it('exits 0 whatever the verdicts when everything ran', async () => {
    expect(
      await reproduce(
        'han2015',
        {},
        fakeRun(0, () => ({ accuracy: 0.9, denseAccuracy: 0.98 })),
      ),
    ).toBe(0);
    expect(printed.join('\n')).toContain('0 reproduced, 2 not reproduced, 0 not run');
  });

  it('exits non-zero when jobs failed, and still writes the record with those claims not run', async () => {
    const code = await reproduce(
      'han2015',
      {},
      fakeRun(1, (task) => ({ ...good(), failed: task === 'mnist-lenet5-small' })),
    );
    expect(code).toBe(1);
    const record = JSON.parse(readFileSync(join(dir, 'reproductions', 'han2015.json'), 'utf8'));
    expect(record.claims.map((c: { verdict: string }) => c.verdict)).toEqual(['reproduced', 'not run']);
    expect(record.jobs.filter((j: { status: string }) => j.status === 'failed')).toHaveLength(6);
  });

  it('writes nothing when the run was interrupted', async () => {
    expect(await reproduce('han2015', {}, fakeRun(130, good))).toBe(130);
    expect(existsSync(join(dir, 'reproductions'))).toBe(false);
  });

  it('--dry-run lists the jobs to run, checks the claims on the records there are and writes nothing', async () => {
    expect(await reproduce('han2015', { dryRun: true }, fakeRun(0, good))).toBe(0);
    expect(runs).toEqual([]);
    expect(logged.filter((l) => l.includes('would run'))).toHaveLength(plan.dense.length + plan.sparse.length);
    expect(printed.join('\n')).toContain('0 reproduced, 0 not reproduced, 2 not run');
    expect(existsSync(join(dir, 'reproductions'))).toBe(false);
  });

  it('rejects an unknown paper and a missing paper id', async () => {
    expect(await reproduce('nobody2099', {}, fakeRun(0, good))).toBe(1);
    expect(logged.join('\n')).toContain("unknown paper 'nobody2099'");
    expect(await reproduce(undefined, {}, fakeRun(0, good))).toBe(1);
    expect(runs).toEqual([]);
  });
});
