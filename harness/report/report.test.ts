import { describe, expect, it } from 'vitest';
import { makeRecord } from '../testing/record-factory.ts';
import { aggregateSuite } from '../aggregate/scope.ts';
import { REPORT_LEGEND, renderReport } from './report.ts';

const suite = { id: 's', tasks: ['mnist-x', 'planted-y'], sparsities: [0.5, 0.9], seeds: [0], controls: [] };

function records() {
  return [
    makeRecord({ task: 'mnist-x', method: null, seed: 0, denseAccuracy: 0.95 }),
    makeRecord({ task: 'mnist-x', method: 'lamp', sparsity: 0.5, seed: 0, denseAccuracy: 0.95, accuracy: 0.94 }),
    makeRecord({ task: 'mnist-x', method: 'lamp', sparsity: 0.9, seed: 0, denseAccuracy: 0.95, accuracy: 0.93 }),
    makeRecord({ task: 'mnist-x', method: 'random', sparsity: 0.5, seed: 0, denseAccuracy: 0.95, accuracy: 0.9 }),
    makeRecord({ task: 'mnist-x', method: 'random', sparsity: 0.9, seed: 0, denseAccuracy: 0.95, accuracy: 0.7 }),
    // Only one of the two grid sparsities: incomplete.
    makeRecord({ task: 'mnist-x', method: 'imp', sparsity: 0.9, seed: 0, denseAccuracy: 0.95, accuracy: 0.94 }),
    // Outside the suite's grid: not in the report at all.
    makeRecord({ task: 'mnist-x', method: 'imp', sparsity: 0.98, seed: 0, denseAccuracy: 0.95, accuracy: 0.5 }),
    makeRecord({ task: 'planted-y', kind: 'regression', method: null, seed: 0, denseMse: 1.05e-4 }),
    makeRecord({ task: 'planted-y', kind: 'regression', method: 'snip', sparsity: 0.5, seed: 0, denseMse: 1.05e-4, mse: 2.42e-4 }),
  ];
}

describe('report table', () => {
  const text = renderReport(aggregateSuite(suite, records()), 'table');
  const line = (start: string) => text.split('\n').find((l) => l.trimStart().startsWith(start)) ?? '';

  it('claims no tie with one seed: ranks by point estimate, no interval', () => {
    expect(text).not.toMatch(/^=1 /m);
    expect(line('1 ')).toMatch(/^1\s+lamp\s+98\.42\s+n\/a\s+1$/);
    expect(line('2 ')).toMatch(/^2\s+random\s+84\.21\s+n\/a\s+1$/);
  });

  it('shows an incomplete method without a score, saying what it misses', () => {
    expect(line('—')).toMatch(/^—\s+imp\s+0\s+incomplete, not ranked: partial 98\.95 over 1 of 2 sparsities; missing 50%$/);
  });

  it("uses the site's units: % for accuracy, sparsities as percentages, significant digits for MSE", () => {
    expect(text).toMatch(/^mnist-x v1 — dense accuracy 95\.00% ± n\/a \(1 seed\); grid 50%, 90%$/m);
    expect(text).toMatch(/^planted-y v1 — dense MSE 1\.05e−4 ± n\/a \(1 seed\)/m);
    expect(text).toMatch(/planted-y\s+snip\s+50%\s+1\s+0\s+mse\s+2\.42e−4\s+n\/a/);
    expect(text).not.toMatch(/0\.9166|seeds 0|1 seeds/);
    expect(text).not.toMatch(/98%/);
  });

  it("says when a method's records come from more than one method version", () => {
    const mixed = [
      ...records(),
      makeRecord({ task: 'mnist-x', method: 'imp', methodVersion: '2.0.0', sparsity: 0.5, seed: 0, denseAccuracy: 0.95, accuracy: 0.94 }),
    ];
    const out = renderReport(aggregateSuite(suite, mixed), 'table');
    expect(out).toMatch(/imp .*records of 2 method versions \(1\.0\.0, 2\.0\.0\)$/m);
    expect(text).not.toMatch(/method versions/);
  });

  it('tells failed runs from runs never made', () => {
    const withFailures = [
      ...records(),
      makeRecord({ task: 'mnist-x', method: 'imp', sparsity: 0.5, seed: 0, denseAccuracy: 0.95, status: 'failed' }),
      makeRecord({ task: 'mnist-x', method: 'snip', sparsity: 0.5, seed: 0, denseAccuracy: 0.95, status: 'failed' }),
      makeRecord({ task: 'mnist-x', method: 'lamp', sparsity: 0.5, seed: 1, denseAccuracy: 0.95, status: 'failed' }),
    ];
    const out = renderReport(aggregateSuite({ ...suite, seeds: [0, 1] }, withFailures), 'table');
    const at = (start: RegExp) => out.split('\n').find((l) => start.test(l)) ?? '';
    expect(at(/^—\s+imp /)).toMatch(/incomplete, not ranked: partial 98\.95 over 1 of 2 sparsities; failed at 50%$/);
    expect(at(/^—\s+snip /)).toMatch(/incomplete, not ranked: failed at 50%; missing 90%$/);
    expect(at(/^1\s+lamp /)).toMatch(/1 failed run$/);
  });

  it('says how many records of an older protocol or engine it left out', () => {
    const newer = makeRecord({ task: 'mnist-x', method: null, seed: 0, denseAccuracy: 0.97, protocol: '2', engine: '1' });
    const out = renderReport(aggregateSuite(suite, [...records(), newer]), 'table');
    expect(out).toMatch(
      /^mnist-x v1 — dense accuracy 97\.00% ± n\/a \(1 seed\); grid 50%, 90%; 6 records of an older protocol or engine left out \(stale: rerun them\)$/m,
    );
    expect(text).not.toMatch(/older protocol/);
  });

  it('says so when only the dense reference has run on a task, instead of empty tables', () => {
    const onlyDense = [...records(), makeRecord({ task: 'mnist-z', method: null, seed: 0, denseAccuracy: 0.9 })];
    const out = renderReport(aggregateSuite({ ...suite, tasks: [...suite.tasks, 'mnist-z'] }, onlyDense), 'table');
    expect(out).toMatch(
      /^mnist-z v1 — dense accuracy 90\.00% ± n\/a \(1 seed\); grid 50%, 90%\n\nNo pruning record on this grid yet: only the dense reference has run\.\n/m,
    );
    expect(text).not.toMatch(/No pruning record/);
  });

  it('explains its columns', () => {
    for (const legend of REPORT_LEGEND) expect(text).toContain(legend);
    expect(text).toMatch(/max ψ: the largest excess accuracy drop/);
    expect(text).toMatch(/strong ticket: the mask on the untrained initial weights/);
  });
});

describe('report of a structured track', () => {
  const structuredSuite = { ...suite, id: 'structured', tasks: ['planted-y'], structures: ['neuron'] };
  const planted = { precision: 0.5, recall: 0.5, jaccard: 0.33, density: 0.1 };
  const neuron = { kind: 'neuron' } as const;
  const structuredRecords = [
    makeRecord({ task: 'planted-y', kind: 'regression', method: null, seed: 0, denseMse: 1e-3 }),
    ...[0.5, 0.9].map((sparsity, i) =>
      makeRecord({
        task: 'planted-y',
        kind: 'regression',
        method: 'neuron-l1',
        structure: neuron,
        sparsity,
        seed: 0,
        denseMse: 1e-3,
        mse: 2e-3,
        planted,
        unitRecovery: { precision: [0.625, 0.8][i], recall: [0.4, 0.25][i], jaccard: 0.2 },
        macs: [5000, 1000][i],
        speedup: [1.8, 7.456][i],
      }),
    ),
  ];

  it('prints the planted units recovered, the MACs and the measured speed-up of every cell', () => {
    const text = renderReport(aggregateSuite(structuredSuite, structuredRecords), 'table');
    expect(text).toMatch(/unit recovery P \(%\)\s+unit recovery R \(%\)\s+MACs\s+speed-up$/m);
    expect(text).toMatch(/planted-y\s+neuron-l1\s+50%.*62\.50\s+40\.00\s+5000\s+1\.80×$/m);
    expect(text).toMatch(/planted-y\s+neuron-l1\s+90%.*80\.00\s+25\.00\s+1000\s+7\.46×$/m);
    const rows = JSON.parse(renderReport(aggregateSuite(structuredSuite, structuredRecords), 'json')).rows;
    expect(rows.map((r: { unitRecoveryPrecision: number; speedup: number }) => [r.unitRecoveryPrecision, r.speedup])).toEqual([
      [0.625, 1.8],
      [0.8, 7.456],
    ]);
  });

  it('leaves those columns out of the text tables of unstructured tasks', () => {
    const text = renderReport(aggregateSuite(suite, records()), 'table');
    expect(text).not.toMatch(/unit recovery P \(%\)|speed-up$/m);
    expect(renderReport(aggregateSuite(suite, records()), 'csv').split('\n')[0]).toMatch(
      /,unitRecoveryPrecision,unitRecoveryRecall,macs,speedup$/,
    );
  });
});
