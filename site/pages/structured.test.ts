import { describe, expect, it } from 'vitest';
import { makeRecord, type RecordOptions } from '../../harness/testing/record-factory.ts';
import { siteInputFromRecords } from '../build.ts';
import { renderTable, type TableSpec } from '../tables.ts';
import type { FigureView } from './common.ts';
import { homePage } from './home.ts';
import { methodPage } from './method.ts';
import {
  fastestRetaining,
  paretoFront,
  ratioTable,
  speedupFront,
  structuredIndexPage,
  structuredTrackPage,
  tracksTable,
} from './structured.ts';
import { taskPage } from './task.ts';

/** t(0.975, 1): the 95% interval of two seeds is mean ± 12.706 · s/√2. */
const T975_1 = 12.706204736174705;

function texts(spec: TableSpec): string[][] {
  return renderTable(spec, 'structured/t.html', '../').rows.map((r) => r.cells.map((c) => c.text));
}
function column(spec: TableSpec, label: string): string[] {
  const index = spec.columns.findIndex((c) => c.label === label);
  if (index < 0) throw new Error(`no column ${label}: ${spec.columns.map((c) => c.label).join(', ')}`);
  return texts(spec).map((row) => row[index]);
}

const neuron = { kind: 'neuron' as const };
const twoFour = { kind: 'n:m' as const, n: 2, m: 4 };
const DENSE = 0.975;

/** Two seeds of one method at one unit ratio: [accuracy, speed-up] per seed. */
function seeds(task: string, method: string, ratio: number, macs: number, perSeed: Array<[number, number]>, extra: RecordOptions = {}) {
  return perSeed.map(([accuracy, speedup], seed) =>
    makeRecord({ task, method, structure: neuron, sparsity: ratio, seed, accuracy, speedup, macs, denseAccuracy: DENSE, ...extra }),
  );
}

// Points (mean speed-up, mean accuracy): alpha@50% (2.0, 0.97), alpha@75% (4.0, 0.91),
// beta@50% (1.5, 0.965) — dominated by alpha@50% —, beta@75% (4.5, 0.80).
const records = [
  ...[0, 1].map((seed) => makeRecord({ task: 'mnist-s', method: null, seed, denseAccuracy: DENSE })),
  ...seeds('mnist-s', 'alpha', 0.5, 70_000, [
    [0.96, 1.9],
    [0.98, 2.1],
  ]),
  ...seeds('mnist-s', 'alpha', 0.75, 20_000, [
    [0.9, 3.8],
    [0.92, 4.2],
  ]),
  ...seeds('mnist-s', 'beta', 0.5, 70_000, [
    [0.965, 1.5],
    [0.965, 1.5],
  ]),
  ...seeds('mnist-s', 'beta', 0.75, 20_000, [
    [0.8, 4.5],
    [0.8, 4.5],
  ]),
  ...[0, 1].map((seed) =>
    makeRecord({ task: 'mnist-s', method: 'gamma', structure: twoFour, seed, accuracy: 0.95, macs: 133_100, denseAccuracy: DENSE }),
  ),
  // The task's unstructured leaderboard entry.
  ...[0, 1].map((seed) => makeRecord({ task: 'mnist-s', method: 'delta', sparsity: 0.9, seed, accuracy: 0.9, denseAccuracy: DENSE })),
  // A planted task's neuron track, with the recovery of planted units.
  ...[0, 1].map((seed) => makeRecord({ task: 'planted-p', method: null, seed, denseAccuracy: 1 })),
  ...[0, 1].map((seed) =>
    makeRecord({
      task: 'planted-p',
      method: 'alpha',
      structure: neuron,
      sparsity: 0.5,
      seed,
      accuracy: 0.9,
      denseAccuracy: 1,
      planted: { precision: 0.2, recall: 0.9, jaccard: 0.18, density: 0.05 },
      unitRecovery: [
        { precision: 0.5, recall: 0.8, jaccard: 0.4 },
        { precision: 0.7, recall: 0.8, jaccard: 0.6 },
      ][seed],
    }),
  ),
];
const input = siteInputFromRecords(records);
const track = (key: string) => input.structured.aggregate.tasks.find((t) => t.task.key === key)!;

describe('the Pareto front of accuracy against speed-up', () => {
  it('keeps the points no other point beats on both axes', () => {
    const points = [
      { x: 2, y: 0.97 },
      { x: 4, y: 0.91 },
      { x: 1.5, y: 0.965 },
      { x: 4.5, y: 0.8 },
      { x: 1.5, y: 0.97 }, // as accurate as (2, 0.97), slower: dominated
      { x: 4.5, y: 0.8 }, // equal points are both on the front
    ];
    expect(paretoFront(points)).toEqual([true, true, false, true, false, true]);
    expect(paretoFront([])).toEqual([]);
  });

  it("flags a track's entries by their mean speed-up and accuracy", () => {
    const front = speedupFront(track('mnist-s@1 [neuron]'));
    expect([...front.entries()].map(([c, on]) => `${c.method}@${c.sparsity}:${on}`)).toEqual([
      'alpha@0.5:true',
      'alpha@0.75:true',
      'beta@0.5:false',
      'beta@0.75:true',
    ]);
    expect(speedupFront(track('mnist-s@1 [2:4]')).size).toBe(0);
  });
});

describe('structured tracks', () => {
  it('are apart from the leaderboard, which keeps the unstructured records', () => {
    expect(input.aggregate.tasks.map((t) => t.task.key)).toEqual(['mnist-s@1', 'planted-p@1']);
    expect(input.aggregate.tasks[0].methods).toEqual(['delta']);
    expect(input.structured.aggregate.tasks.map((t) => t.task.key)).toEqual([
      'mnist-s@1 [2:4]',
      'mnist-s@1 [neuron]',
      'planted-p@1 [neuron]',
    ]);
  });

  it('aggregate speed-up, MACs, units removed and unit recovery per cell', () => {
    const cell = track('mnist-s@1 [neuron]').cells.find((c) => c.method === 'alpha' && c.sparsity === 0.5)!;
    expect(cell.speedup!.mean).toBeCloseTo(2, 12);
    expect(cell.speedup!.interval!.high - cell.speedup!.interval!.low).toBeCloseTo(2 * T975_1 * 0.1, 9);
    expect(cell.macs!.mean).toBe(70_000);
    expect(cell.unitsRemoved!.mean).toBe(0.5);
    expect(cell.throughputSettings).toEqual([{ backend: 'wasm', clock: 'wall', threads: 1, batchSize: 256, passes: 15, warmupPasses: 3 }]);
    const planted = track('planted-p@1 [neuron]').cells[0];
    expect(planted.unitRecovery!.precision!.mean).toBeCloseTo(0.6, 12);
    expect(planted.unitRecovery!.recall!.mean).toBeCloseTo(0.8, 12);
    expect(planted.unitRecovery!.jaccard!.mean).toBeCloseTo(0.5, 12);
    // N:M records have MACs and no speed-up.
    const nm = track('mnist-s@1 [2:4]').cells[0];
    expect([nm.macs!.mean, nm.speedup, nm.unitsRemoved]).toEqual([133_100, null, null]);
  });

  it('pick the fastest entry keeping 99% of the dense accuracy', () => {
    // alpha@50% keeps 0.97 / 0.975 = 99.49%; beta@50% 98.97%; both 75% entries far less.
    const fastest = fastestRetaining(track('mnist-s@1 [neuron]'))!;
    expect([fastest.method, fastest.sparsity]).toEqual(['alpha', 0.5]);
    expect(fastestRetaining(track('mnist-s@1 [2:4]'))).toBeNull();
  });
});

describe('the per-unit-ratio table', () => {
  const t = track('mnist-s@1 [neuron]');
  const spec = ratioTable(t, 0.5, input, speedupFront(t));
  it('ranks by accuracy and shows the measured speed-up with its interval, MACs and their share of the dense', () => {
    expect(column(spec, 'Method')).toEqual(['alpha', 'beta']);
    expect(column(spec, 'Speed-up')).toEqual([`2.00× ± ${(T975_1 * 0.1).toFixed(2)}`, '1.50× ± 0.00']);
    expect(column(spec, 'MACs')).toEqual(['70.00 k', '70.00 k']);
    // 70,000 / 266,200 (the factory's dense MACs)
    expect(column(spec, 'MACs (% dense)')).toEqual(['26.30', '26.30']);
    expect(column(spec, 'Units removed (%)')).toEqual(['50.00', '50.00']);
    expect(spec.rows.map((r) => r.front)).toEqual([true, false]);
    const marks = renderTable(spec, 'structured/t.html', '../').rows.map((r) => r.cells[1].marks.map((m) => m.symbol));
    expect(marks).toEqual([['★'], []]);
  });

  it('has no speed-up or unit columns on an N:M track', () => {
    const nm = track('mnist-s@1 [2:4]');
    const labels = ratioTable(nm, 0.5, input, speedupFront(nm)).columns.map((c) => c.label);
    expect(labels).not.toContain('Speed-up');
    expect(labels).not.toContain('Units removed (%)');
    expect(labels).toContain('MACs');
  });
});

describe('structured pages', () => {
  const figureIds = (figures: FigureView[]) => figures.map((f) => f.id);

  it("a unit track's page plots accuracy against measured speed-up, with the front, and against MACs", async () => {
    const page = await structuredTrackPage(track('mnist-s@1 [neuron]'), input);
    expect(page.path).toBe('structured/mnist-s-v1-neuron.html');
    const content = page.content as { figures: FigureView[]; statement: string; taskHref: string | null };
    expect(figureIds(content.figures)).toEqual(['speedup-figure', 'macs-figure']);
    const speedup = page.tables.find((t) => t.id === 'speedup-data')!;
    expect(speedup.rows.map((r) => [r.method, r.sparsity, r.front, r.speedup_mean])).toEqual([
      ['alpha', 0.5, true, 2],
      ['alpha', 0.75, true, 4],
      ['beta', 0.5, false, 1.5],
      ['beta', 0.75, true, 4.5],
    ]);
    expect(String(content.figures[0].svg)).toContain('<svg ');
    expect(content.figures[0].caption).toContain(
      'wasm (1 thread), batch 256, fastest of 15 alternating passes of each network by elapsed time, after 3 warm-up',
    );
    expect(content.statement).toContain('measured, not computed from MACs');
    expect(content.taskHref).toBe('../tasks/mnist-s-v1.html');
    expect(page.tables.map((t) => t.id)).toEqual(['ranking', 'dense', 'speedup-data', 'macs-data', 'ratio-50', 'ratio-75']);
    expect(column(page.tables[0], 'Method')).toEqual(['alpha', 'beta']);
  });

  it("an N:M track's page plots MACs only and says no backend here accelerates it", async () => {
    const page = await structuredTrackPage(track('mnist-s@1 [2:4]'), input);
    const content = page.content as { figures: FigureView[]; statement: string; unit: boolean };
    expect(figureIds(content.figures)).toEqual(['macs-figure']);
    expect(content.unit).toBe(false);
    expect(content.statement).toContain('No backend here accelerates N:M sparsity');
    expect(content.figures[0].caption).toContain('no backend here runs them faster');
  });

  it("a planted task's neuron page shows the recovery of the planted units", async () => {
    const page = await structuredTrackPage(track('planted-p@1 [neuron]'), input);
    const content = page.content as { figures: FigureView[] };
    expect(figureIds(content.figures)).toEqual(['speedup-figure', 'macs-figure', 'unit-recovery-figure']);
    const table = page.tables.find((t) => t.id === 'unit-recovery-data')!;
    expect(column(table, 'Unit precision (%)')).toEqual([`60.00 ± ${(T975_1 * 10).toFixed(2)}`]);
    expect(column(table, 'Unit recall (%)')).toEqual(['80.00 ± 0.00']);
    expect(column(table, 'Unit Jaccard (%)')).toEqual([`50.00 ± ${(T975_1 * 10).toFixed(2)}`]);
    expect(column(table, 'Weight recall (%)')).toEqual(['90.00']);
  });

  it('the index lists every track with its leader and fastest entry, linked from the home page and the task page', async () => {
    const spec = tracksTable(input);
    expect(column(spec, 'Structure')).toEqual(['2:4 (N:M)', 'neurons', 'neurons']);
    expect(column(spec, 'Fastest at ≥ 99% retention')).toEqual(['—', '2.00× · alpha at 50% (99.5%)', '—']);
    const rendered = renderTable(spec, 'structured.html', '');
    expect(rendered.rows.map((r) => r.cells[0].href)).toEqual([
      'structured/mnist-s-v1-2-4.html',
      'structured/mnist-s-v1-neuron.html',
      'structured/planted-p-v1-neuron.html',
    ]);
    expect(structuredIndexPage(input).tables.map((t) => t.id)).toEqual(['tracks']);
    expect((homePage(input).content as { structured: { href: string; tracks: number } }).structured).toMatchObject({
      href: 'structured.html',
      tracks: 3,
    });
    const task = await taskPage(input.aggregate.tasks[0], input);
    expect((task.content as { structuredTracks: unknown[] }).structuredTracks).toEqual([
      { label: '2:4', href: '../structured/mnist-s-v1-2-4.html' },
      { label: 'neuron', href: '../structured/mnist-s-v1-neuron.html' },
    ]);
  });

  it("a method's page lists its structured tracks after its leaderboard tasks", () => {
    const spec = methodPage('alpha', input).tables.find((t) => t.id === 'results')!;
    expect(texts(spec).map((r) => r[0])).toEqual(['mnist-s v1 [neuron]', 'planted-p v1 [neuron]']);
    expect(renderTable(spec, 'methods/alpha.html', '../').rows[0].cells[0].href).toBe('../structured/mnist-s-v1-neuron.html');
  });
});
