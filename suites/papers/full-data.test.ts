import { describe, expect, it } from 'vitest';
import type { OrderingClaim, PaperSuite, ResultLookup, ValueClaim } from '../../api/paper-api.ts';
import { aggregate } from '../../harness/aggregate/aggregate.ts';
import { planSuite } from '../../harness/jobs/plan.ts';
import { jobId } from '../../harness/jobs/spec.ts';
import { currentVersions } from '../../harness/jobs/versions.ts';
import { listMethods } from '../../harness/registry/methods.ts';
import { evaluateClaim } from '../../harness/reproduce/verdict.ts';
import { makeRecord } from '../../harness/testing/record-factory.ts';
import { getSuite, getTask } from '../registry.ts';
import { frankle2019 } from './frankle2019.ts';
import { fullDataTask, fullDataVariant, taskScaleSentence } from './full-data.ts';
import { FULL_MNIST_TASKS, frankle2019Full, fullDataVariants, han2015Full, lee2019Full } from './full-data-variants.ts';
import { han2015, TWELVE_TIMES } from './han2015.ts';
import { getPaperSuite, paperSuites } from './index.ts';
import { lee2019 } from './lee2019.ts';

const sources = { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) };
const plan = (suite: PaperSuite['suite']) => planSuite(suite, sources);

/** Reads a cell, a control's accuracy, the dense accuracy and the planted score of one task. */
const asksEverything: ValueClaim = {
  id: 'asks-everything',
  kind: 'value',
  description: 'd',
  source: 'Table 1 of the tiny paper, long enough',
  unit: 'pp',
  tolerance: 0,
  reported: { value: 0, text: '0' },
  measure: (r) =>
    r.cell({ task: 'mnist-lenet300-small', method: 'random', sparsity: 0.5 }, 'recall') +
    r.accuracy({ task: 'mnist-lenet300-small', method: 'random', sparsity: 0.5, control: 'reinit' }) +
    r.denseAccuracy('mnist-lenet300-small') +
    r.plantedScore('mnist-lenet300-small'),
};

/** An ordering claim: its measure gives a value per entry. */
const ordersTwo: OrderingClaim = {
  id: 'orders-two',
  kind: 'ordering',
  description: 'd',
  source: 'Table 1 of the tiny paper, long enough',
  unit: '%',
  tolerance: 0,
  reported: { order: [['dense'], ['zero']], text: 'dense ≥ zero' },
  measure: (r) => ({ dense: r.denseAccuracy('mnist-lenet300-small'), zero: 0 }),
};

/** A base paper whose claims ask its one task for every kind of number. */
const tinyBase: PaperSuite = {
  paper: { id: 'tiny2000', title: 'A tiny paper', authors: 'A. Author', year: 2000, url: 'https://example.org/tiny', table: 'Table 1' },
  setting: 'The paper’s setting.',
  scaledDown: 'Small.',
  suite: {
    id: 'paper-tiny2000',
    version: '3',
    description: 'tiny',
    tasks: ['mnist-lenet300-small'],
    methods: ['random'],
    sparsities: [0.5],
    taskSparsities: { 'mnist-lenet300-small': [0.9] },
    seeds: [0],
  },
  claims: [asksEverything, ordersTwo],
};

/** Remembers every task it is asked about; answers 1. */
function recordingLookup(asked: string[]): ResultLookup {
  return {
    cell: (ref) => (asked.push(ref.task), 1),
    accuracy: (ref) => (asked.push(ref.task), 1),
    denseAccuracy: (task) => (asked.push(task), 1),
    plantedScore: (task) => (asked.push(task), 1),
  };
}

describe('fullDataVariant', () => {
  const variant = fullDataVariant(tinyBase, { tasks: FULL_MNIST_TASKS, description: 'tiny on full data', differences: 'Still different.' });

  it("keeps the paper but its id, which gets '-full', and names the suite paper-<id>-full", () => {
    expect(variant.paper).toEqual({ ...tinyBase.paper, id: 'tiny2000-full' });
    expect(variant.suite.id).toBe('paper-tiny2000-full');
    expect(variant.setting).toBe(tinyBase.setting);
    expect(variant.tasks).toBeUndefined();
  });

  it("keeps the base's grid and version, with its tasks (and per-task grids) mapped", () => {
    expect(variant.suite).toEqual({
      ...tinyBase.suite,
      id: 'paper-tiny2000-full',
      description: 'tiny on full data',
      tasks: ['mnist-lenet300'],
      taskSparsities: { 'mnist-lenet300': [0.9] },
    });
  });

  it("states the full-data tasks' scales from their definitions, then what still differs", () => {
    expect(variant.scaledDown).toBe(`Full-data tasks — ${taskScaleSentence(getTask('mnist-lenet300'))}. Still different.`);
  });

  it('keeps every claim, each asking the mapped task for every kind of number', () => {
    expect(variant.claims.map(({ measure: _, ...c }) => c)).toEqual(tinyBase.claims.map(({ measure: _, ...c }) => c));
    const asked: string[] = [];
    expect(variant.claims[0].measure(recordingLookup(asked))).toBe(4);
    expect(asked).toEqual(['mnist-lenet300', 'mnist-lenet300', 'mnist-lenet300', 'mnist-lenet300']);
    const askedByOrdering: string[] = [];
    expect(variant.claims[1].measure(recordingLookup(askedByOrdering))).toEqual({ dense: 1, zero: 0 });
    expect(askedByOrdering).toEqual(['mnist-lenet300']);
  });

  it('refuses a base task without a full-data task, a target that is no registered image task, and two tasks mapped to one', () => {
    const twoTasks = { ...tinyBase, suite: { ...tinyBase.suite, tasks: ['mnist-lenet300-small', 'mnist-lenet5-small'] } };
    const o = { description: 'x', differences: 'y' };
    expect(() => fullDataVariant(tinyBase, { ...o, tasks: {} })).toThrow(
      "full-data variant 'tiny2000-full' of suite 'paper-tiny2000': no full-data task for mnist-lenet300-small",
    );
    expect(() => fullDataVariant(tinyBase, { ...o, tasks: { 'mnist-lenet300-small': 'planted-circle-d5-w100' } })).toThrow(
      "'planted-circle-d5-w100' is not a registered image task",
    );
    expect(() =>
      fullDataVariant(twoTasks, { ...o, tasks: { 'mnist-lenet300-small': 'mnist-lenet300', 'mnist-lenet5-small': 'mnist-lenet300' } }),
    ).toThrow('two base tasks map to the same task (mnist-lenet300, mnist-lenet300)');
  });

  it('refuses a claim that asks for a task its base suite does not run', () => {
    const stray = fullDataVariant(
      { ...tinyBase, claims: [{ ...asksEverything, measure: (r) => r.denseAccuracy('fashion-lenet300') }] },
      { tasks: FULL_MNIST_TASKS, description: 'x', differences: 'y' },
    );
    expect(() => stray.claims[0].measure(recordingLookup([]))).toThrow(
      "asked for task 'fashion-lenet300', which the base suite does not run (it runs mnist-lenet300-small)",
    );
  });
});

describe('taskScaleSentence and fullDataTask', () => {
  it('writes the scale and recipe of a task definition; only registered image tasks are full-data tasks', () => {
    expect(taskScaleSentence(getTask('mnist-lenet5-2epochs'))).toBe(
      'mnist-lenet5-2epochs: 55,000 training, 5,000 validation and 10,000 test images of MNIST; Adam, lr 1.2e-3, batch 60, 2 epochs (best validation epoch kept), 1 fine-tuning epoch after one-shot pruning',
    );
    expect(() => fullDataTask('mnist-lenet5-small')).toThrow("'mnist-lenet5-small' is not a registered image task");
  });
});

describe('the full-data variants', () => {
  it('exist for the papers that trained on full MNIST (han2015, frankle2019, lee2019), registered after their base', () => {
    expect(fullDataVariants.map((v) => v.paper.id)).toEqual(['han2015-full', 'frankle2019-full', 'lee2019-full']);
    expect(paperSuites.map((p) => p.paper.id)).toEqual([
      'han2015',
      'han2015-full',
      'frankle2019',
      'frankle2019-full',
      'lee2019',
      'lee2019-full',
      'tanaka2020',
      'fischer2022',
    ]);
    for (const v of fullDataVariants) {
      expect(getPaperSuite(v.paper.id)).toBe(v);
      expect(getSuite(`paper-${v.paper.id}`)).toBe(v.suite);
    }
  });

  it.each([
    [han2015Full, han2015, ['mnist-lenet300', 'mnist-lenet5-2epochs']],
    [frankle2019Full, frankle2019, ['mnist-lenet300']],
    [lee2019Full, lee2019, ['mnist-lenet300', 'mnist-lenet5-2epochs']],
  ])('%# runs its base grid on the full-MNIST tasks', (variant, base, tasks) => {
    expect(variant.paper).toEqual({ ...base.paper, id: `${base.paper.id}-full` });
    expect(variant.suite.tasks).toEqual(tasks);
    const { id: _i, description: _d, tasks: _t, ...grid } = variant.suite;
    const { id: _bi, description: _bd, tasks: _bt, ...baseGrid } = base.suite;
    expect(grid).toEqual(baseGrid);
    expect(variant.claims.map((c) => c.id)).toEqual(base.claims.map((c) => c.id));
    for (const task of tasks) expect(variant.scaledDown).toContain(taskScaleSentence(getTask(task)));
  });

  it('frankle2019-full trains on the paper’s split sizes with its optimiser, learning rate and batch, as its text says', () => {
    expect(frankle2019Full.scaledDown).toContain(
      'The training, validation and test sizes, the optimiser, its learning rate and the batch size are those of the paper',
    );
    const task = getTask('mnist-lenet300');
    expect(task.scale).toMatchObject({ train: 55_000, validation: 5_000, test: 10_000 });
    expect(task.recipe).toMatchObject({ optimizer: 'adam', learningRate: 1.2e-3, batchSize: 60 });
  });

  describe('share jobs with the standard suite: only the ones their texts name are extra', () => {
    const standard = new Set([...plan(getSuite('standard')).dense, ...plan(getSuite('standard')).sparse].map(jobId));
    const extra = (v: PaperSuite) => {
      const p = plan(v.suite);
      expect(
        p.dense.every((spec) => standard.has(jobId(spec))),
        v.paper.id,
      ).toBe(true);
      return p.sparse.filter((spec) => !standard.has(jobId(spec)));
    };

    it('han2015-full: the 6 jobs at 12×', () => {
      const jobs = extra(han2015Full);
      expect(jobs.map((j) => [j.task.id, j.method!.id, j.sparsity, j.seed])).toEqual(
        ['mnist-lenet300', 'mnist-lenet5-2epochs'].flatMap((t) => [0, 1, 2].map((s) => [t, 'magnitude-global', TWELVE_TIMES, s])),
      );
      expect(han2015Full.scaledDown).toContain('the 6 jobs at 12×');
    });

    it('frankle2019-full: all 20 IMP jobs (5 sparsities, each with its reinit control, 2 seeds)', () => {
      const jobs = extra(frankle2019Full);
      expect(jobs).toEqual(plan(frankle2019Full.suite).sparse);
      expect(jobs).toHaveLength(20);
      expect(frankle2019Full.scaledDown).toContain('all 20 IMP jobs (5 sparsities, each with its reinit control) are extra');
    });

    it('lee2019-full: none', () => {
      expect(extra(lee2019Full)).toEqual([]);
      expect(lee2019Full.scaledDown).toContain('Every job of the suite');
    });
  });
});

describe('a full-data claim measures on the full-data tasks', () => {
  const versions = currentVersions();
  const FULL_DENSE = 0.985;
  const SMALL_DENSE = 0.95;
  /** Records of every job of a plan: on full-data tasks dense 98.5%, pruned 98.0%; on the 10k subsets 95% and 90%. */
  const recordsOf = (suite: PaperSuite['suite']) => {
    const p = plan(suite);
    return [...p.dense, ...p.sparse].map((spec) => {
      const full = !spec.task.id.endsWith('-small');
      return makeRecord({
        ...versions,
        task: spec.task.id,
        method: spec.method?.id ?? null,
        control: spec.control,
        sparsity: spec.sparsity,
        seed: spec.seed,
        denseAccuracy: full ? FULL_DENSE : SMALL_DENSE,
        accuracy: full ? 0.98 : 0.9,
      });
    });
  };

  it.each(fullDataVariants.map((v) => [v.paper.id, v] as const))(
    '%s: every claim from its own tasks, none from the 10k subsets',
    (id, variant) => {
      const base = getPaperSuite(id.replace(/-full$/, ''));
      const both = aggregate([...recordsOf(base.suite), ...recordsOf(variant.suite)]);
      for (const claim of variant.claims) {
        const outcome = evaluateClaim(claim, both);
        expect(outcome.missing, claim.id).toEqual([]);
        expect(outcome.used.length, claim.id).toBeGreaterThan(0);
        for (const u of outcome.used) expect(variant.suite.tasks, claim.id).toContain(u.task);
      }
      // With the 10k-subset records alone nothing is measured.
      const smallOnly = aggregate(recordsOf(base.suite));
      for (const claim of variant.claims) expect(evaluateClaim(claim, smallOnly).verdict, claim.id).toBe('not run');
    },
  );

  it('han2015-full: pruned error − dense error from the full-data numbers (0.5 pp), han2015 from the subsets (5 pp)', () => {
    const records = aggregate([...recordsOf(han2015.suite), ...recordsOf(han2015Full.suite)]);
    for (const [paper, expected] of [
      [han2015Full, 0.5],
      [han2015, 5],
    ] as const) {
      for (const claim of paper.claims) expect(evaluateClaim(claim, records).measured as number, claim.id).toBeCloseTo(expected, 9);
    }
  });
});
