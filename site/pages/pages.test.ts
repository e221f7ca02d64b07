import { describe, expect, it } from 'vitest';
import { makeRecord, type RecordOptions } from '../../harness/testing/record-factory.ts';
import { siteInputFromRecords } from '../build.ts';
import type { ManifestView } from '../load.ts';
import { syntheticManifest } from '../testing/synthetic.ts';
import { renderTable, type TableSpec } from '../tables.ts';
import { familyTable, homePage } from './home.ts';
import { blobTask } from '../../harness/testing/fixtures.ts';
import { methodPage } from './method.ts';
import { controlsTable, rankingTable, reliabilitySparsity, sparsityTable, taskPage } from './task.ts';

const T975_2 = 4.302652729911275;

/** The table's cells as shown. */
function texts(spec: TableSpec): string[][] {
  return renderTable(spec, 'tasks/t.html', '../').rows.map((r) => r.cells.map((c) => c.text));
}
function column(spec: TableSpec, label: string): string[] {
  const index = spec.columns.findIndex((c) => c.label === label);
  if (index < 0) throw new Error(`no column ${label}`);
  return texts(spec).map((row) => row[index]);
}

/** One record per (sparsity, seed); retention = accuracy because dense accuracy is 1. */
function runs(method: string, table: Record<number, number[]>, extra: RecordOptions = {}) {
  return Object.entries(table).flatMap(([sparsity, accs]) =>
    accs.map((accuracy, seed) =>
      makeRecord({ task: 'mnist-x', method, sparsity: Number(sparsity), seed, accuracy, denseAccuracy: 1, ...extra }),
    ),
  );
}

const records = [
  // per-seed scores 0.90, 0.92, 0.94 → 92.00 ± t(0.975,2)·0.02/√3
  ...runs('alpha', { 0.5: [0.96, 0.97, 0.98], 0.9: [0.84, 0.87, 0.9] }),
  // per-seed 0.89, 0.90, 0.91: overlaps alpha
  ...runs('beta', { 0.5: [0.95, 0.95, 0.95], 0.9: [0.83, 0.85, 0.87] }),
  // far below, tight
  ...runs('gamma', { 0.5: [0.7, 0.7, 0.7], 0.9: [0.5, 0.5, 0.5] }),
  // misses 0.9: incomplete despite a high partial score
  ...runs('delta', { 0.5: [0.99, 0.99, 0.99] }),
  ...runs('alpha', { 0.9: [0.6, 0.61, 0.62] }, { control: 'shuffled' }),
  makeRecord({ task: 'mnist-x', method: 'gamma', sparsity: 0.9, seed: 3, status: 'failed' }),
];

const manifests = new Map<string, ManifestView>([
  ['alpha', syntheticManifest('alpha', { name: 'Alpha pruning' }) as unknown as ManifestView],
  [
    'beta',
    syntheticManifest('beta', {
      paper: { title: 'Beta', authors: 'X', year: 2021, url: 'javascript:alert(1)', bibtex: '@misc{beta, title={Beta}}' },
    }) as unknown as ManifestView,
  ],
]);
const input = siteInputFromRecords(records, manifests, {}, [blobTask({ id: 'mnist-x', family: 'mnist' })]);
const task = input.aggregate.tasks[0];

describe('task ranking table', () => {
  const spec = rankingTable(task, input);
  it('orders by score, shows ties with the leader as =1 and incomplete methods last and unranked', () => {
    expect(column(spec, 'Method')).toEqual(['Alpha pruning', 'Beta', 'gamma', 'delta']);
    expect(column(spec, 'Rank')).toEqual(['=1', '=1', '3', '—']);
    expect(spec.columns.find((c) => c.key === 'rank')).toBeDefined();
    expect(renderTable(spec, 'tasks/t.html', '../').columns[0].ariaSort).toBe('ascending');
  });
  it('shows the score as mean ± half-width of the t-interval over per-seed scores', () => {
    const half = ((T975_2 * 0.02) / Math.sqrt(3)) * 100;
    expect(column(spec, 'Score (%)')[0]).toBe(`92.00 ± ${half.toFixed(2)}`);
    expect(column(spec, 'Score (%)')[3]).toBe('(99.00)');
    expect(column(spec, '90%')).toEqual(['87.00', '85.00', '50.00', '—']);
    expect(column(spec, 'Coverage')[3]).toBe('1/2 · missing 90%');
  });
  it('marks the incomplete method', () => {
    const rendered = renderTable(spec, 'tasks/t.html', '../');
    expect(rendered.rows[3].cells[1].marks.map((m) => m.kind)).toEqual(['incomplete']);
    expect(rendered.rows[3].className).toBe('incomplete');
    expect(rendered.rows[0].className).toBe('tied');
  });
});

describe('per-sparsity table', () => {
  const spec = sparsityTable(task, 0.9, input);
  it('ranks by accuracy with ties, puts controls last and unranked', () => {
    expect(column(spec, 'Method')).toEqual(['Alpha pruning', 'Beta', 'gamma', 'Alpha pruning + shuffled']);
    expect(column(spec, 'Rank')).toEqual(['=1', '=1', '3', '—']);
    expect(column(spec, 'Accuracy (%)')[2]).toBe('50.00 ± 0.00');
    expect(column(spec, 'Seeds')[2]).toBe('3 (1 failed)');
  });
  it('marks only the entries on the Pareto front', () => {
    const rendered = renderTable(spec, 'tasks/t.html', '../');
    const front = rendered.rows.map((r) => r.cells[1].marks.some((m) => m.kind === 'frontier'));
    // alpha@0.9 (0.87) is on the front; beta and gamma are beaten by it; the control is not in the Pareto set.
    expect(front).toEqual([true, false, false, false]);
    const low = renderTable(sparsityTable(task, 0.5, input), 'tasks/t.html', '../');
    // At 0.5 only delta (0.99) is on the front: the others are beaten by it at the same sparsity.
    expect(low.rows.map((r) => [r.cells[1].text, r.cells[1].marks.some((m) => m.kind === 'frontier')])).toEqual([
      ['delta', true],
      ['Alpha pruning', false],
      ['Beta', false],
      ['gamma', false],
    ]);
  });
});

describe('controls table', () => {
  it('compares a control with its method on the same sparsities', () => {
    const spec = controlsTable(task, input)!;
    expect(texts(spec)).toEqual([['Alpha pruning', 'shuffled', '61.00 ± 2.48', '87.00 ± 7.45', '\u221226.00', '90%', '3']]);
  });
});

describe('home family table', () => {
  it('orders methods by tasks ranked, then mean rank', () => {
    const two = siteInputFromRecords([
      ...records,
      ...records.map((r) => ({ ...r, job: { ...r.job, task: { id: 'mnist-y', version: '1' } }, id: r.id.replace(/^./, 'f') })),
    ]);
    const spec = familyTable('mnist', two.aggregate.tasks, two);
    expect(column(spec, 'Method')).toEqual(['alpha', 'beta', 'gamma', 'delta']);
    expect(column(spec, 'Mean rank')).toEqual(['1.00', '1.00', '3.00', '—']);
    expect(column(spec, 'Ranked on')).toEqual(['2/2', '2/2', '2/2', '0/2']);
    expect(column(spec, 'mnist-x')[2]).toBe('3 · 60.00 ± 0.00');
    expect(column(spec, 'mnist-x')[3]).toBe('— · (99.00)');
    expect(homePage(two).path).toBe('index.html');
  });

  it('groups tasks by the family their definitions declare, whatever their ids say; undefined tasks under Other tasks', () => {
    const retagged = (id: string) => records.map((r) => ({ ...r, job: { ...r.job, task: { id, version: '1' } }, id: `${id}-${r.id}` }));
    const site = siteInputFromRecords([...retagged('mnist-planted'), ...retagged('fashion-unknown')], manifests, {}, [
      blobTask({ id: 'mnist-planted', family: 'planted' }),
    ]);
    const families = (homePage(site).content as { families: Array<{ id: string; title: string; tasks: Array<{ id: string }> }> }).families;
    expect(families.map((f) => [f.id, f.title, f.tasks.map((t) => t.id)])).toEqual([
      ['planted', 'Planted tickets', ['mnist-planted']],
      ['other', 'Other tasks', ['fashion-unknown']],
    ]);
    expect(homePage(site).tables.map((t) => t.id)).toEqual(['leaderboard-planted', 'leaderboard-other']);
  });
});

describe('method page', () => {
  it('never links a non-http paper URL and keeps the BibTeX', () => {
    const page = methodPage('beta', input);
    const content = page.content as {
      paper: { url: string | null; rawUrl: string; bibtex: string };
      facts: Array<{ label: string; value: string }>;
    };
    expect(content.paper.url).toBeNull();
    expect(content.paper.rawUrl).toBe('javascript:alert(1)');
    expect(content.paper.bibtex).toContain('@misc{beta');
    expect(content.facts.find((f) => f.label === 'Versions in the results')!.value).toBe('1.0.0');
    expect(page.tables.map((t) => t.id)).toEqual(['hyperparameters', 'results']);
  });
  it('works for a method with results but no manifest', () => {
    const page = methodPage('gamma', input);
    expect((page.content as { manifest: boolean }).manifest).toBe(false);
    expect(texts(page.tables.find((t) => t.id === 'results')!)[0].slice(0, 3)).toEqual(['mnist-x v1', 'MNIST', '3 of 4']);
  });
});

describe('task page', () => {
  it('has the ranking, controls, dense-less layout, figures and one table per sparsity', async () => {
    const page = await taskPage(task, input);
    expect(page.path).toBe('tasks/mnist-x-v1.html');
    expect(page.tables.map((t) => t.id)).toEqual([
      'ranking',
      'controls',
      'accuracy-data',
      'calibration-data',
      'reliability-data',
      'sparsity-50',
      'sparsity-90',
      'failures',
    ]);
    expect(reliabilitySparsity(task)).toBe(0.9);
  });

  it('says so instead of an empty ranking table while only the dense reference has run', async () => {
    const denseOnly = siteInputFromRecords([0, 1, 2].map((seed) => makeRecord({ task: 'mnist-y', method: null, seed, accuracy: 0.97 })));
    const page = await taskPage(denseOnly.aggregate.tasks[0], denseOnly);
    expect(page.tables.map((t) => t.id)).not.toContain('ranking');
    expect((page.content as { ranking: unknown }).ranking).toBeNull();
  });
});
