import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { planSuite } from '../jobs/plan.ts';
import { schemaProblems, SchemaError } from '../schema/validator.ts';
import { ResultStore } from '../store/store.ts';
import { getTask } from '../../suites/registry.ts';
import { listMethods } from '../registry/methods.ts';
import { han2015 } from '../../suites/papers/han2015.ts';
import { checkReproductionFiles } from './check.ts';
import { buildReproduction, reproductionPath, writeReproduction, type ReproductionRecord } from './reproduction-record.ts';
import { recordsForPlan } from '../testing/reproduction-fixtures.ts';

const plan = planSuite(han2015.suite, { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) });
const provenance = { prunebenchVersion: '0.1.0', gitCommit: 'a'.repeat(40), gitDirty: false, date: '2025-01-01T00:00:00.000Z' };

/** LeNet-300-100 loses 0.1 pp at 12× (reproduced), LeNet-5 loses 1 pp (not reproduced). */
const numbers = (spec: { task: { id: string }; method: unknown }) => {
  const lenet5 = spec.task.id === 'mnist-lenet5-small';
  return { denseAccuracy: 0.98, accuracy: spec.method === null ? 0.98 : lenet5 ? 0.97 : 0.979 };
};

function reproduction(records = recordsForPlan(plan, numbers)): ReproductionRecord {
  return buildReproduction({ paper: han2015, plan, records, provenance }).record;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pb-reproduction-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('building the reproduction record', () => {
  it('keeps reported next to measured with gap, tolerance and verdict, and validates against its schema', () => {
    const record = reproduction();
    expect(schemaProblems('reproduction', record)).toEqual([]);
    const [lenet300, lenet5] = record.claims;
    expect(lenet300).toMatchObject({ id: 'lenet300-no-loss-at-12x', verdict: 'reproduced', tolerance: 0.3, unit: 'pp' });
    expect(lenet300.reported).toMatchObject({ bound: 0, direction: 'at-most', paperNumbers: { denseError: 1.64, prunedError: 1.59 } });
    expect(lenet300.measured).toBeCloseTo(0.1, 9);
    expect(lenet300.gapText).toBe('+0.1 pp');
    expect(lenet5.verdict).toBe('not reproduced');
    expect(lenet5.gap).toBeCloseTo(1, 9);
    expect(record.summary).toEqual({ claims: 2, reproduced: 1, notReproduced: 1, notRun: 0 });
  });

  it("keeps the run records' environments as they are, isolation included (the record schema's own definition)", () => {
    const isolated = recordsForPlan(plan, numbers).map((r) => ({
      ...r,
      environment: {
        ...r.environment,
        isolation: { level: 'full' as const, mechanisms: ['permission-model' as const, 'network-namespace' as const] },
      },
    }));
    const record = reproduction(isolated);
    expect(record.environment.runs).toEqual([isolated[0].environment]);
    expect(schemaProblems('reproduction', record)).toEqual([]);
    expect(() => writeReproduction(dir, record)).not.toThrow();
    const unknown = { ...record, environment: { ...record.environment, runs: [{ ...isolated[0].environment, extra: 1 }] } };
    expect(schemaProblems('reproduction', unknown)).toEqual(["/environment/runs/0: unknown field 'extra'"]);
  });

  it('names the jobs behind every number it used', () => {
    const record = reproduction();
    const pruned = record.claims[0].used.find((u) => u.method === 'magnitude-global')!;
    expect(pruned.n).toBe(3);
    expect(pruned.jobIds).toHaveLength(3);
    const jobs = new Map(record.jobs.map((j) => [j.id, j]));
    for (const id of pruned.jobIds)
      expect(jobs.get(id)).toMatchObject({ task: 'mnist-lenet300-small', method: 'magnitude-global', status: 'ok' });
    expect(record.jobs).toHaveLength(plan.dense.length + plan.sparse.length);
  });

  it('lists jobs without a record as missing and their claims as not run', () => {
    const records = recordsForPlan(plan, numbers).filter((r) => r.job.task.id !== 'mnist-lenet5-small');
    const record = reproduction(records);
    expect(schemaProblems('reproduction', record)).toEqual([]);
    expect(record.claims.map((c) => c.verdict)).toEqual(['reproduced', 'not run']);
    expect(record.claims[1].missing).toContain('mnist-lenet5-small dense accuracy: no record');
    expect(record.jobs.filter((j) => j.status === 'missing')).toHaveLength(6);
    expect(record.summary.notRun).toBe(1);
  });

  it('ignores records outside the suite', () => {
    const outside = recordsForPlan(
      planSuite(
        { ...han2015.suite, id: 'other', sparsities: [0.5] },
        { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) },
      ),
      () => ({ accuracy: 0.1, denseAccuracy: 0.98 }),
    );
    const record = reproduction([...recordsForPlan(plan, numbers), ...outside.filter((r) => r.job.method !== null)]);
    expect(record.claims[0].verdict).toBe('reproduced');
    expect(record.claims[0].used.find((u) => u.method)!.mean).toBeCloseTo(0.979, 9);
  });
});

describe('writing', () => {
  it('writes results/reproductions/<paper>.json atomically, leaving no temp file', () => {
    const file = writeReproduction(dir, reproduction());
    expect(file).toBe(reproductionPath(dir, 'han2015'));
    expect(readdirSync(join(dir, 'reproductions'))).toEqual(['han2015.json']);
    expect(JSON.parse(readFileSync(file, 'utf8')).paper.id).toBe('han2015');
  });

  it('refuses an invalid record with the file and JSON path, and writes nothing', () => {
    const broken = reproduction();
    (broken.claims[0] as { verdict: string }).verdict = 'maybe';
    expect(() => writeReproduction(dir, broken)).toThrow(SchemaError);
    try {
      writeReproduction(dir, broken);
    } catch (e) {
      expect((e as SchemaError).file).toBe(reproductionPath(dir, 'han2015'));
      expect((e as SchemaError).problems.join('\n')).toContain('/claims/0/verdict');
    }
    expect(existsSync(join(dir, 'reproductions'))).toBe(false);
  });
});

describe('checkReproductionFiles', () => {
  /** Writes the record's run records and the reproduction record itself under a results directory. */
  function writeAll(record = reproduction()): string {
    const store = new ResultStore(dir);
    for (const r of recordsForPlan(plan, numbers)) store.write(r);
    return writeReproduction(dir, record);
  }

  function rewrite(file: string, change: (data: Record<string, any>) => void): void {
    const data = JSON.parse(readFileSync(file, 'utf8'));
    change(data);
    writeFileSync(file, JSON.stringify(data));
  }

  it('finds nothing wrong with a record as written', () => {
    expect(checkReproductionFiles([writeAll()])).toEqual([]);
  });

  it('rejects a schema violation with the file and the JSON path', () => {
    const file = writeAll();
    rewrite(file, (d) => {
      delete d.claims[0].verdict;
      d.claims[1].gap = 'large';
    });
    const problems = checkReproductionFiles([file]);
    expect(problems).toContainEqual({ file, path: '/claims/0', message: "missing field 'verdict'", severity: 'error' });
    expect(problems.some((p) => p.file === file && p.path === '/claims/1/gap' && p.severity === 'error')).toBe(true);
  });

  it('rejects a verdict or a gap that does not follow from the numbers it states', () => {
    const file = writeAll();
    rewrite(file, (d) => {
      d.claims[1].verdict = 'reproduced';
      d.claims[0].gap = 0;
    });
    const problems = checkReproductionFiles([file]);
    expect(problems.map((p) => [p.path, p.severity])).toEqual(
      expect.arrayContaining([
        ['/claims/1/verdict', 'error'],
        ['/claims/0/gap', 'error'],
        ['/summary/reproduced', 'error'],
        ['/summary/notReproduced', 'error'],
      ]),
    );
  });

  it("rejects a 'not run' claim with a measured value or without missing results", () => {
    const file = writeAll();
    rewrite(file, (d) => {
      d.claims[0].verdict = 'not run';
      d.claims[0].missing = [];
      d.summary = { claims: 2, reproduced: 0, notReproduced: 1, notRun: 1 };
    });
    const paths = checkReproductionFiles([file]).map((p) => p.path);
    expect(paths).toEqual(['/claims/0', '/claims/0/missing']);
  });

  it('rejects a file named for another paper and malformed JSON', () => {
    const file = writeAll();
    const renamed = join(dir, 'reproductions', 'lee2019.json');
    renameSync(file, renamed);
    expect(checkReproductionFiles([renamed])).toEqual([
      { file: renamed, path: '/paper/id', message: "'han2015' does not match the file name 'lee2019.json'", severity: 'error' },
    ]);
    const malformed = join(dir, 'reproductions', 'han2015.json');
    writeFileSync(malformed, '{"paper": ');
    const [problem] = checkReproductionFiles([malformed]);
    expect(problem).toMatchObject({ file: malformed, path: '(root)', severity: 'error' });
    expect(problem.message).toContain('malformed JSON');
  });

  it('warns when a run record the reproduction names is not in the results directory', () => {
    const file = writeReproduction(dir, reproduction());
    mkdirSync(join(dir, 'runs'), { recursive: true });
    const problems = checkReproductionFiles([file]);
    expect(problems).toHaveLength(plan.dense.length + plan.sparse.length);
    expect(problems.every((p) => p.severity === 'warning' && /^\/jobs\/\d+\/path$/.test(p.path))).toBe(true);
  });
});
