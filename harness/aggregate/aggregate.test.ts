import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../store/run-record.ts';
import { aggregate, aggregateTask, compression, poolCalibrationBins, type MethodScore } from './aggregate.ts';
import type { AggregatableRecord } from './aggregatable-record.ts';
import { makeRecord, type RecordOptions } from '../testing/record-factory.ts';

// The store's record type must stay usable as aggregation input.
const storeRecordsAggregate: (records: RunRecord[]) => AggregatableRecord[] = (records) => records;
void storeRecordsAggregate;

const T975_2 = 4.302652729911275;
const T975_1 = 12.706204736174707;

/** Records of one method at the given sparsities, one per (sparsity, seed) with retention from `retention(s, seed)`. */
function methodRecords(
  method: string,
  sparsities: number[],
  seeds: number[],
  retention: (s: number, seed: number) => number,
  extra: RecordOptions = {},
) {
  return sparsities.flatMap((s) =>
    seeds.map((seed) => makeRecord({ method, sparsity: s, seed, denseAccuracy: 1, accuracy: retention(s, seed), ...extra })),
  );
}

function byMethod(scores: MethodScore[], method: string): MethodScore {
  const found = scores.find((s) => s.method === method);
  if (!found) throw new Error(`no score for ${method}`);
  return found;
}

describe('cells', () => {
  it('give mean and 95% t-interval over seeds', () => {
    const records = [0.96, 0.97, 0.98].map((accuracy, seed) =>
      makeRecord({ method: 'a', sparsity: 0.5, seed, accuracy, denseAccuracy: 0.98 }),
    );
    const [cell] = aggregateTask(records).cells;
    expect(cell.n).toBe(3);
    expect(cell.seeds).toEqual([0, 1, 2]);
    expect(cell.accuracy!.mean).toBeCloseTo(0.97, 14);
    expect(cell.accuracy!.std).toBeCloseTo(0.01, 14);
    const half = (T975_2 * 0.01) / Math.sqrt(3);
    expect(cell.accuracy!.interval!.low).toBeCloseTo(0.97 - half, 10);
    expect(cell.accuracy!.interval!.high).toBeCloseTo(0.97 + half, 10);
    expect(cell.retention!.mean).toBeCloseTo(0.97 / 0.98, 14);
    expect(cell.compression).toBeCloseTo(2, 14);
    expect(cell.flopsSparse!.mean).toBe(133_100);
    expect(cell.remainingParameters!.mean).toBe(133_100);
  });

  it('exclude failed records from the numbers but count them', () => {
    const records = [
      makeRecord({ method: 'a', sparsity: 0.9, seed: 0, accuracy: 0.9 }),
      makeRecord({ method: 'a', sparsity: 0.9, seed: 1, accuracy: 0.8 }),
      makeRecord({ method: 'a', sparsity: 0.9, seed: 2, status: 'failed', failureReason: 'returned NaN scores' }),
    ];
    const t = aggregateTask(records);
    const [cell] = t.cells;
    expect(cell.n).toBe(2);
    expect(cell.failed).toBe(1);
    expect(cell.failures).toEqual([{ seed: 2, stage: 'train', reason: 'returned NaN scores' }]);
    expect(cell.accuracy!.mean).toBeCloseTo(0.85, 14);
    expect(t.failed).toBe(1);
    expect(t.records).toBe(3);
    const all = aggregate(records);
    expect(all.failed).toBe(1);
    expect(all.ok).toBe(2);
  });

  it('keep a cell whose every run failed, with null metrics', () => {
    const t = aggregateTask([makeRecord({ method: 'a', sparsity: 0.9, status: 'failed' })]);
    expect(t.cells[0].n).toBe(0);
    expect(t.cells[0].accuracy).toBeNull();
    expect(t.cells[0].paretoDominated).toBeNull();
    expect(t.ranking[0].complete).toBe(false);
  });

  it('single seed gives a null interval', () => {
    const [cell] = aggregateTask([makeRecord({ method: 'a', sparsity: 0.5 })]).cells;
    expect(cell.accuracy!.interval).toBeNull();
    expect(cell.accuracy!.std).toBeNull();
  });

  it('pool planted recovery and report the planted density', () => {
    const records = [0, 1].map((seed) =>
      makeRecord({
        task: 'planted-circle',
        method: 'a',
        sparsity: 0.9,
        seed,
        planted: { precision: 0.5 + seed * 0.2, recall: 0.4, jaccard: 0.3, density: 0.05 + seed * 0.02 },
      }),
    );
    const t = aggregateTask(records);
    expect(t.cells[0].recovery!.precision!.mean).toBeCloseTo(0.6, 14);
    expect(t.cells[0].recovery!.precision!.interval!.high).toBeCloseTo(0.6 + T975_1 * 0.1, 8);
    expect(t.planted!.density!.mean).toBeCloseTo(0.06, 14);
    expect(t.planted!.sparsity).toBeCloseTo(0.94, 14);
  });
});

describe('dense baseline', () => {
  it('is a per-task row from the dense reference runs', () => {
    const records = [
      makeRecord({ method: null, seed: 0, denseAccuracy: 0.98 }),
      makeRecord({ method: null, seed: 1, denseAccuracy: 0.96 }),
      makeRecord({ method: 'a', sparsity: 0.5, seed: 0 }),
    ];
    const t = aggregateTask(records);
    expect(t.dense!.n).toBe(2);
    expect(t.dense!.accuracy!.mean).toBeCloseTo(0.97, 14);
    expect(t.dense!.flops!.mean).toBe(266_200);
    expect(t.cells).toHaveLength(1);
    expect(t.grid).toEqual([0.5]);
    expect(t.methods).toEqual(['a']);
  });
});

describe('protocol and engine versions', () => {
  it('never mix: only the newest protocol and engine of a task count, the older records are counted', () => {
    const current = { protocol: '2', engine: '1' };
    const records = [
      makeRecord({ method: null, seed: 0, denseAccuracy: 0.9 }),
      makeRecord({ method: null, seed: 0, denseAccuracy: 0.98, ...current }),
      makeRecord({ method: 'a', sparsity: 0.5, seed: 0, denseAccuracy: 0.9, accuracy: 0.5 }),
      makeRecord({ method: 'a', sparsity: 0.5, seed: 0, denseAccuracy: 0.98, accuracy: 0.97, ...current }),
      makeRecord({ method: 'b', sparsity: 0.5, seed: 0, denseAccuracy: 0.98, accuracy: 0.96, protocol: '2', engine: '0' }),
      makeRecord({ task: 'other', method: null, seed: 0, denseAccuracy: 0.8 }),
    ];
    const [task, other] = aggregate(records).tasks;
    expect(task.dense!.n).toBe(1);
    expect(task.dense!.accuracy!.mean).toBe(0.98);
    expect(task.methods).toEqual(['a']);
    expect(task.cells.map((c) => [c.method, c.n, c.accuracy!.mean])).toEqual([['a', 1, 0.97]]);
    expect(task.olderVersionRecords).toBe(3);
    // A task whose records are all of one older protocol keeps them.
    expect([other.task.id, other.dense!.accuracy!.mean, other.olderVersionRecords]).toEqual(['other', 0.8, 0]);
  });
});

describe('declared grid', () => {
  it('scores over the declared sparsities only; records elsewhere keep their cells but leave no method incomplete', () => {
    const records = [
      ...methodRecords('a', [0.9, 0.98], [0, 1], () => 0.9),
      ...methodRecords('b', [0.9, 0.98], [0, 1], () => 0.8),
      ...methodRecords('a', [0.5], [0, 1], () => 1), // e.g. a paper reproduction at another sparsity
    ];
    const derived = aggregateTask(records);
    expect(derived.grid).toEqual([0.5, 0.9, 0.98]);
    expect(byMethod(derived.ranking, 'b').complete).toBe(false);

    const declared = aggregateTask(records, [0.98, 0.9]);
    expect(declared.grid).toEqual([0.9, 0.98]);
    expect(declared.ranking.map((x) => [x.method, x.complete, x.score?.mean])).toEqual([
      ['a', true, expect.closeTo(0.9, 12)],
      ['b', true, expect.closeTo(0.8, 12)],
    ]);
    expect(declared.cells.filter((c) => c.sparsity === 0.5).map((c) => c.method)).toEqual(['a']);
    const viaOptions = aggregate(records, { gridFor: () => [0.9, 0.98] });
    expect(viaOptions.tasks[0].grid).toEqual([0.9, 0.98]);
  });
});

describe('scores and ranking', () => {
  it('score is the mean over seeds of per-seed mean retention, with the interval over seeds', () => {
    // seed 0: (0.9 + 0.7) / 2 = 0.8; seed 1: (1.0 + 0.8) / 2 = 0.9; seed 2: (0.95 + 0.75) / 2 = 0.85
    const table: Record<number, [number, number]> = { 0: [0.9, 0.7], 1: [1.0, 0.8], 2: [0.95, 0.75] };
    const t = aggregateTask(methodRecords('a', [0.5, 0.9], [0, 1, 2], (s, seed) => table[seed][s === 0.5 ? 0 : 1]));
    const score = t.ranking[0];
    expect(score.seedScores.map((x) => x.score)).toEqual([expect.closeTo(0.8, 12), expect.closeTo(0.9, 12), expect.closeTo(0.85, 12)]);
    expect(score.score!.mean).toBeCloseTo(0.85, 12);
    expect(score.score!.std).toBeCloseTo(0.05, 12);
    expect(score.score!.interval!.high - 0.85).toBeCloseTo((T975_2 * 0.05) / Math.sqrt(3), 10);
    expect(score.rankLabel).toBe('1');
    expect(score.leader).toBe(true);
  });

  it('marks methods whose interval overlaps the leader as tied "=1" and ranks the rest by position', () => {
    const records = [
      ...methodRecords('alpha', [0.5], [0, 1, 2], (_s, seed) => [0.9, 0.92, 0.94][seed]), // 0.92 ± 0.05
      ...methodRecords('beta', [0.5], [0, 1, 2], (_s, seed) => [0.88, 0.9, 0.92][seed]), // 0.90 ± 0.05: overlaps
      ...methodRecords('gamma', [0.5], [0, 1, 2], (_s, seed) => [0.5, 0.51, 0.52][seed]), // far below
    ];
    const ranking = aggregateTask(records).ranking;
    expect(ranking.map((s) => s.method)).toEqual(['alpha', 'beta', 'gamma']);
    expect(ranking.map((s) => s.rankLabel)).toEqual(['=1', '=1', '3']);
    expect(ranking.map((s) => s.rank)).toEqual([1, 1, 3]);
    expect(byMethod(ranking, 'beta').tiedWithLeader).toBe(true);
    expect(byMethod(ranking, 'gamma').tiedWithLeader).toBe(false);
  });

  it('claims no tie for a wide interval below a method that is separated from the leader', () => {
    const records = [
      ...methodRecords('alpha', [0.5], [0, 1, 2], (_s, seed) => [0.9, 0.901, 0.902][seed]), // 0.901 ± 0.0025
      ...methodRecords('beta', [0.5], [0, 1, 2], (_s, seed) => [0.88, 0.881, 0.882][seed]), // separated
      ...methodRecords('gamma', [0.5], [0, 1, 2], (_s, seed) => [0.7, 0.9, 1.0][seed]), // 0.867, overlaps alpha
    ];
    const ranking = aggregateTask(records).ranking;
    expect(byMethod(ranking, 'gamma').score!.interval!.high).toBeGreaterThan(0.902);
    expect(ranking.map((s) => [s.method, s.rankLabel, s.tiedWithLeader])).toEqual([
      ['alpha', '1', false],
      ['beta', '2', false],
      ['gamma', '3', false],
    ]);
  });

  it('does not tie methods whose intervals are disjoint from the leader', () => {
    const records = [
      ...methodRecords('alpha', [0.5], [0, 1, 2], (_s, seed) => [0.9, 0.901, 0.902][seed]),
      ...methodRecords('beta', [0.5], [0, 1, 2], (_s, seed) => [0.8, 0.801, 0.802][seed]),
    ];
    expect(aggregateTask(records).ranking.map((s) => s.rankLabel)).toEqual(['1', '2']);
  });

  it('claims no tie for a single-seed score, which has no interval: it ranks by its point estimate', () => {
    const records = [
      ...methodRecords('alpha', [0.5], [0, 1, 2], (_s, seed) => [0.9, 0.901, 0.902][seed]),
      ...methodRecords('beta', [0.5], [0], () => 0.5),
    ];
    const ranking = aggregateTask(records).ranking;
    expect(byMethod(ranking, 'beta').score!.interval).toBeNull();
    expect(ranking.map((s) => s.rankLabel)).toEqual(['1', '2']);
    // A single-seed leader claims no tie either, however close the next score.
    const oneSeed = aggregateTask([...methodRecords('a', [0.5], [0], () => 0.9), ...methodRecords('b', [0.5], [0], () => 0.899)]).ranking;
    expect(oneSeed.map((s) => [s.method, s.rankLabel, s.tiedWithLeader])).toEqual([
      ['a', '1', false],
      ['b', '2', false],
    ]);
  });

  it('lists a method missing a grid sparsity as incomplete, after every complete method', () => {
    const records = [
      ...methodRecords('full', [0.5, 0.9], [0, 1], (s) => (s === 0.5 ? 0.6 : 0.5)),
      ...methodRecords('partial', [0.5], [0, 1], () => 0.99),
    ];
    const t = aggregateTask(records);
    expect(t.grid).toEqual([0.5, 0.9]);
    expect(t.ranking.map((s) => s.method)).toEqual(['full', 'partial']);
    const partial = byMethod(t.ranking, 'partial');
    expect(partial.complete).toBe(false);
    expect(partial.rank).toBeNull();
    expect(partial.rankLabel).toBe('—');
    expect(partial.missingSparsities).toEqual([0.9]);
    expect(partial.score).toBeNull();
    expect(partial.partialScore).toBeCloseTo(0.99, 12);
    expect(byMethod(t.ranking, 'full').rankLabel).toBe('1');
  });

  it('a failed sparsity makes the grid point missing, and seeds without it leave the score', () => {
    const records = [
      ...methodRecords('a', [0.5, 0.9], [0, 1], (s, seed) => (s === 0.5 ? 0.9 : 0.7 + seed * 0.1)),
      makeRecord({ method: 'a', sparsity: 0.5, seed: 2, accuracy: 0.1, denseAccuracy: 1 }),
      makeRecord({ method: 'a', sparsity: 0.9, seed: 2, status: 'failed' }),
      makeRecord({ method: 'b', sparsity: 0.5, seed: 0, denseAccuracy: 1, accuracy: 0.9 }),
      makeRecord({ method: 'b', sparsity: 0.9, seed: 0, status: 'failed' }),
    ];
    const t = aggregateTask(records);
    const a = byMethod(t.ranking, 'a');
    expect(a.incompleteSeeds).toEqual([2]);
    expect(a.seedScores.map((s) => s.seed)).toEqual([0, 1]);
    expect(a.score!.mean).toBeCloseTo((0.8 + 0.85) / 2, 12);
    expect(byMethod(t.ranking, 'b').complete).toBe(false);
  });

  it('scores regression tasks by retention = dense MSE / sparse MSE', () => {
    const records = [0, 1].map((seed) =>
      makeRecord({ kind: 'regression', method: 'a', sparsity: 0.5, seed, denseMse: 0.01, mse: seed === 0 ? 0.02 : 0.04 }),
    );
    const t = aggregateTask(records);
    expect(t.kind).toBe('regression');
    expect(t.cells[0].accuracy).toBeNull();
    expect(t.cells[0].mse!.mean).toBeCloseTo(0.03, 14);
    expect(t.ranking[0].score!.mean).toBeCloseTo((0.5 + 0.25) / 2, 14);
  });
});

describe('controls', () => {
  it('are separate rows of their method: not ranked, not in the grid, not in the Pareto set', () => {
    const records = [
      ...methodRecords('a', [0.5, 0.9], [0, 1], (s) => (s === 0.5 ? 0.95 : 0.9)),
      ...methodRecords('a', [0.9], [0, 1], () => 0.99, { control: 'shuffled' }),
      ...methodRecords('a', [0.99], [0, 1], () => 0.99, { control: 'reinit' }),
    ];
    const t = aggregateTask(records);
    expect(t.grid).toEqual([0.5, 0.9]);
    expect(t.ranking.map((s) => s.method)).toEqual(['a']);
    expect(t.ranking[0].control).toBeNull();
    expect(t.controls.map((c) => c.control)).toEqual(['reinit', 'shuffled']);
    const shuffled = t.controls.find((c) => c.control === 'shuffled')!;
    expect(shuffled.rank).toBeNull();
    expect(shuffled.rankLabel).toBe('—');
    expect(shuffled.grid).toEqual([0.9]);
    expect(shuffled.score!.mean).toBeCloseTo(0.99, 12);
    expect(shuffled.referenceScore!.mean).toBeCloseTo(0.9, 12);
    expect(t.controls.find((c) => c.control === 'reinit')!.referenceScore).toBeNull();
    const controlCells = t.cells.filter((c) => c.control !== null);
    expect(controlCells).toHaveLength(2);
    expect(controlCells.every((c) => c.paretoDominated === null)).toBe(true);
    // the control at 0.9 is more accurate than the method at 0.9 but does not dominate it
    expect(t.cells.find((c) => c.control === null && c.sparsity === 0.9)!.paretoDominated).toBe(false);
    expect(t.cells.slice(0, 2).every((c) => c.control === null)).toBe(true);
  });
});

describe('Pareto marks', () => {
  it('mark entries with another at ≥ sparsity and ≥ accuracy, one strictly', () => {
    const records = [
      makeRecord({ method: 'a', sparsity: 0.5, accuracy: 0.9 }), // dominated by a@0.9 (same acc, higher sparsity)
      makeRecord({ method: 'a', sparsity: 0.9, accuracy: 0.9 }),
      makeRecord({ method: 'b', sparsity: 0.5, accuracy: 0.95 }), // front
      makeRecord({ method: 'b', sparsity: 0.9, accuracy: 0.8 }), // dominated by a@0.9
      makeRecord({ method: 'c', sparsity: 0.99, accuracy: 0.5 }), // front (highest sparsity)
      makeRecord({ method: 'd', sparsity: 0.99, accuracy: 0.5 }), // equal to c: neither dominates
    ];
    const marks = Object.fromEntries(aggregateTask(records).cells.map((c) => [`${c.method}@${c.sparsity}`, c.paretoDominated]));
    expect(marks).toEqual({ 'a@0.5': true, 'a@0.9': false, 'b@0.5': false, 'b@0.9': true, 'c@0.99': false, 'd@0.99': false });
  });

  it('use lower MSE on regression tasks', () => {
    const records = [
      makeRecord({ kind: 'regression', method: 'a', sparsity: 0.5, mse: 0.03 }),
      makeRecord({ kind: 'regression', method: 'b', sparsity: 0.9, mse: 0.02 }),
    ];
    const marks = Object.fromEntries(aggregateTask(records).cells.map((c) => [c.method, c.paretoDominated]));
    expect(marks).toEqual({ a: true, b: false });
  });
});

describe('grouping', () => {
  it('separates task versions and sorts tasks by key', () => {
    const all = aggregate([
      makeRecord({ task: 'mnist-x', taskVersion: '2', method: 'a' }),
      makeRecord({ task: 'mnist-x', taskVersion: '1', method: 'a' }),
      makeRecord({ task: 'fashion-x', method: 'a' }),
    ]);
    expect(all.tasks.map((t) => t.task.key)).toEqual(['fashion-x@1', 'mnist-x@1', 'mnist-x@2']);
  });

  it('compression is 1 / (1 − sparsity)', () => {
    expect(compression(0.99)).toBeCloseTo(100, 10);
  });

  it('records the method versions of a cell so mixed implementations are visible', () => {
    const t = aggregateTask([
      makeRecord({ method: 'a', seed: 0, methodVersion: '1.0.0' }),
      makeRecord({ method: 'a', seed: 1, methodVersion: '1.1.0' }),
    ]);
    expect(t.cells[0].methodVersions).toEqual(['1.0.0', '1.1.0']);
  });
});

describe('calibration bins', () => {
  it('pool over seeds with count weights', () => {
    const pooled = poolCalibrationBins([
      [
        { lower: 0, upper: 0.5, count: 0, confidence: null, accuracy: null },
        { lower: 0.5, upper: 1, count: 10, confidence: 0.8, accuracy: 0.7 },
      ],
      [
        { lower: 0, upper: 0.5, count: 2, confidence: 0.4, accuracy: 0.5 },
        { lower: 0.5, upper: 1, count: 30, confidence: 0.6, accuracy: 0.9 },
      ],
      null,
    ])!;
    expect(pooled).toEqual([
      { lower: 0, upper: 0.5, count: 2, confidence: 0.4, accuracy: 0.5 },
      { lower: 0.5, upper: 1, count: 40, confidence: expect.closeTo(0.65, 12), accuracy: expect.closeTo(0.85, 12) },
    ]);
    expect(poolCalibrationBins([null])).toBeNull();
  });
});

describe('record factory', () => {
  it('makes schema-valid records of every kind', async () => {
    const { schemaProblems } = await import('../schema/validator.ts');
    const samples = [
      makeRecord({ method: null }),
      makeRecord({ method: 'a', control: 'inverted', sparsity: 0.98 }),
      makeRecord({ method: 'a', status: 'failed' }),
      makeRecord({ kind: 'regression', method: 'a', planted: { precision: 0.1, recall: 0.2, jaccard: 0.05, density: 0.03 } }),
      makeRecord({
        method: 'n',
        structure: { kind: 'neuron' },
        sparsity: 0.5,
        speedup: 1.7,
        planted: { precision: 0.1, recall: 0.2, jaccard: 0.05, density: 0.03 },
        unitRecovery: { precision: 0.5, recall: 0.6, jaccard: 0.4 },
      }),
      makeRecord({ method: 'f', structure: { kind: 'filter' }, sparsity: 0.25 }),
      makeRecord({ method: 'm', structure: { kind: 'n:m', n: 2, m: 4 } }),
    ];
    for (const r of samples) expect(schemaProblems('record', r)).toEqual([]);
  });
});

describe('ranks within a sparsity', () => {
  it('rank by accuracy with ties to the best and leave controls out', () => {
    const records = [
      ...[0.9, 0.92, 0.94].map((accuracy, seed) => makeRecord({ method: 'a', sparsity: 0.9, seed, accuracy })),
      ...[0.91, 0.92, 0.93].map((accuracy, seed) => makeRecord({ method: 'b', sparsity: 0.9, seed, accuracy })),
      ...[0.5, 0.51, 0.52].map((accuracy, seed) => makeRecord({ method: 'c', sparsity: 0.9, seed, accuracy })),
      ...[0.99, 0.991, 0.992].map((accuracy, seed) => makeRecord({ method: 'c', sparsity: 0.5, seed, accuracy })),
      makeRecord({ method: 'a', control: 'inverted', sparsity: 0.9, accuracy: 0.99 }),
    ];
    const labels = Object.fromEntries(
      aggregateTask(records).cells.map((c) => [
        `${c.method}${c.control ? `+${c.control}` : ''}@${c.sparsity}`,
        c.sparsityRank?.label ?? null,
      ]),
    );
    expect(labels).toEqual({ 'a@0.9': '=1', 'b@0.9': '=1', 'c@0.9': '3', 'c@0.5': '1', 'a+inverted@0.9': null });
  });

  it('stops the tie at the first method separated from the best, as the task ranking does', () => {
    const records = [
      ...[0.9, 0.901, 0.902].map((accuracy, seed) => makeRecord({ method: 'a', sparsity: 0.9, seed, accuracy })),
      ...[0.88, 0.881, 0.882].map((accuracy, seed) => makeRecord({ method: 'b', sparsity: 0.9, seed, accuracy })),
      ...[0.7, 0.9, 1.0].map((accuracy, seed) => makeRecord({ method: 'c', sparsity: 0.9, seed, accuracy })),
    ];
    const labels = aggregateTask(records).cells.map((c) => [c.method, c.sparsityRank?.label, c.sparsityRank?.tied]);
    expect(labels).toEqual([
      ['a', '1', false],
      ['b', '2', false],
      ['c', '3', false],
    ]);
  });
});

describe('aggregate: structured records', () => {
  it("ranks each structure of a task apart, every track with the task's dense references, an N:M track on its own sparsity", () => {
    const withStructure = <T extends { job: object }>(r: T, structure: unknown): T => ({ ...r, job: { ...r.job, structure } });
    const records = [
      makeRecord({ method: null, seed: 0, accuracy: 1 }),
      makeRecord({ method: 'u', sparsity: 0.5, seed: 0, denseAccuracy: 1, accuracy: 0.9 }),
      withStructure(makeRecord({ method: 'n', sparsity: 0.5, seed: 0, denseAccuracy: 1, accuracy: 0.8 }), { kind: 'neuron' }),
      withStructure(makeRecord({ method: 'n', sparsity: 0.5, seed: 0, denseAccuracy: 1, accuracy: 0.7 }), { kind: 'filter' }),
      withStructure(makeRecord({ method: 'm', sparsity: 0.75, seed: 0, denseAccuracy: 1, accuracy: 0.6 }), { kind: 'n:m', n: 1, m: 4 }),
    ];
    const tasks = aggregate(records, { gridFor: () => [0.5] }).tasks;
    expect(tasks.map((t) => [t.task.key, t.task.structure ?? null, t.grid, t.dense?.n, t.cells.map((c) => `${c.method} ${c.n}`)])).toEqual([
      ['mnist-lenet300@1', null, [0.5], 1, ['u 1']],
      ['mnist-lenet300@1 [1:4]', '1:4', [0.75], 1, ['m 1']],
      ['mnist-lenet300@1 [filter]', 'filter', [0.5], 1, ['n 1']],
      ['mnist-lenet300@1 [neuron]', 'neuron', [0.5], 1, ['n 1']],
    ]);
  });
});
