/**
 * The structured section: an index of the structured tracks (a task's records of one structure:
 * neuron, filter or N:M) and one page per track with its ranking, accuracy against the measured
 * speed-up of the compacted network (Pareto front marked) and against its multiply–adds, the
 * recovery of planted units on planted tasks, and one table per unit ratio. N:M tracks have no
 * speed-up: no backend here runs N:M sparsity faster, so they show MACs only.
 */
import {
  methodLabel,
  taskKey,
  trackKey,
  type Cell,
  type TaskAggregate,
  type ThroughputSetting,
} from '../../harness/aggregate/aggregate.ts';
import type { Estimate } from '../../harness/aggregate/stats.ts';
import {
  formatCompact,
  formatEstimate,
  formatInteger,
  formatMeanInterval,
  formatNumber,
  formatSeeds,
  formatSignificantEstimate,
  formatSparsity,
  MISSING,
} from '../../harness/report/format.ts';
import { STRUCTURED_PATH, suitePath, suiteTaskAnchor, taskPath, trackPath } from '../paths.ts';
import { legendFor, LOG_AXIS_INTERVAL_NOTE, panelsSpec, tradeoffSpec, unitRatioAxis, type PlotLegend } from '../plots.ts';
import type { Column, DataRow, Mark, TableSpec } from '../tables.ts';
import {
  estimateColumn,
  estimateFieldNames,
  estimateFields,
  FAILED_MARK,
  methodColumn,
  methodName,
  num,
  numberColumn,
  PageBuilder,
  rankColumn,
  sparsityField,
  textColumn,
  type FigureView,
  type PageView,
  type SiteInput,
} from './common.ts';
import { plural, scaleFacts } from './scale.ts';
import { denseTable, failuresTable, highlightedMethods, offGridTable, rankingTable, taskTitle } from './task.ts';

const PERCENT = { scale: 100, digits: 2 };

/** The index's headline speed-up is the fastest entry that keeps this share of the dense accuracy (or MSE). */
export const RETENTION_FLOOR = 0.99;

export const SPEEDUP_FRONT_MARK: Mark = {
  symbol: '★',
  label: 'on the speed-up Pareto front: no other entry of the track is at least as fast and at least as accurate',
  kind: 'frontier',
};

export function isUnitTrack(t: TaskAggregate): boolean {
  return t.task.structure === 'neuron' || t.task.structure === 'filter';
}

/** "neurons", "filters", "2:4 (N:M)". */
export function structureName(structure: string): string {
  return structure === 'neuron' ? 'neurons' : structure === 'filter' ? 'filters' : `${structure} (N:M)`;
}

/** What a track's structure removes and what its numbers mean (docs/protocol.md, Structures and Inference). */
export function structureStatement(structure: string): string {
  const measured =
    'The harness compacts every pruned network into a smaller dense one, checks that it computes the masked network’s outputs, and times it against the dense network on the record’s backend: the speed-ups are measured, not computed from MACs, and are not reproducible bit for bit.';
  if (structure === 'neuron')
    return `Whole hidden units of the dense layers are removed, with the weights that read them; the unit ratio is the fraction removed from every dense hidden layer (output layers keep their units). ${measured}`;
  if (structure === 'filter')
    return `Whole output channels of the convolutions are removed, with the next layer’s input channels; the unit ratio is the fraction removed from every convolution before the output layer. ${measured}`;
  const [n, m] = structure.split(':');
  return `${structure} sparsity keeps ${n} of every ${m} consecutive weights along each kernel’s input dimension (sparsity ${formatSparsity(1 - Number(n) / Number(m))}). No backend here accelerates N:M sparsity (TensorFlow.js has no sparse or ${structure} kernels), so this track reports the multiply–adds of the non-zero weights and no speed-up.`;
}

/**
 * Flags the points on the Pareto front of two larger-is-better axes: a point is off the front when
 * another point is at least as good on both axes and better on one. Equal points are both on it.
 */
export function paretoFront(points: ReadonlyArray<{ x: number; y: number }>): boolean[] {
  return points.map((p) => !points.some((o) => o.x >= p.x && o.y >= p.y && (o.x > p.x || o.y > p.y)));
}

function quality(t: TaskAggregate, c: Cell): Estimate | null {
  return t.kind === 'regression' ? c.mse : c.accuracy;
}

/** Higher is better: accuracy, or −MSE; −∞ without results. */
function orderValue(t: TaskAggregate, c: Cell): number {
  const e = quality(t, c);
  return e === null ? -Infinity : t.kind === 'regression' ? -e.mean : e.mean;
}

/** The uncontrolled cells with a measured speed-up and a quality, each flagged on or off the speed-up Pareto front. */
export function speedupFront(t: TaskAggregate): Map<Cell, boolean> {
  const cells = t.cells.filter((c) => c.control === null && c.n > 0 && c.speedup && quality(t, c));
  // Higher accuracy is better; for regression, lower MSE.
  const sign = t.kind === 'regression' ? -1 : 1;
  const front = paretoFront(cells.map((c) => ({ x: c.speedup!.mean, y: sign * quality(t, c)!.mean })));
  return new Map(cells.map((c, i) => [c, front[i]] as const));
}

/** The fastest uncontrolled entry whose mean retention is at least RETENTION_FLOOR, if any. */
export function fastestRetaining(t: TaskAggregate): Cell | null {
  const candidates = t.cells.filter((c) => c.control === null && c.speedup && (c.retention?.mean ?? -Infinity) >= RETENTION_FLOOR);
  return candidates.sort((a, b) => b.speedup!.mean - a.speedup!.mean || (a.method < b.method ? -1 : 1))[0] ?? null;
}

function throughputText(settings: readonly ThroughputSetting[]): string {
  if (settings.length === 0) return MISSING;
  return settings
    .map(
      (s) =>
        `${s.backend ?? 'unknown backend'}${s.threads === null ? '' : ` (${plural(s.threads, 'thread')})`}, batch ${s.batchSize}, fastest of ${s.passes} alternating passes of each network by ${s.clock === 'process-cpu' ? 'CPU time' : 'elapsed time'}, after ${s.warmupPasses} warm-up`,
    )
    .join('; ');
}

function trackSettings(t: TaskAggregate): ThroughputSetting[] {
  const seen = new Map<string, ThroughputSetting>();
  for (const c of t.cells) for (const s of c.throughputSettings) seen.set(JSON.stringify(s), s);
  return [...seen.values()];
}

function speedupText(mean: number | null, low: number | null, high: number | null): string {
  if (mean === null) return MISSING;
  // "1.84× ± 0.12": the interval's half-width follows the mean as everywhere on the site.
  return formatMeanInterval(mean, low === null || high === null ? null : (high - low) / 2, 2).replace(' ± ', '× ± ');
}

function speedupColumn(prefix: string, label: string, title: string): Column {
  return {
    key: prefix,
    label,
    title,
    numeric: true,
    text: (r) => speedupText(num(r[`${prefix}_mean`]), num(r[`${prefix}_low`]), num(r[`${prefix}_high`])),
    sort: (r) => num(r[`${prefix}_mean`]),
  };
}

function qualityColumn(t: TaskAggregate): Column {
  return t.kind === 'regression'
    ? estimateColumn('mse', 'MSE', { significant: true, title: 'Test MSE, mean ± 95% Student-t interval over seeds' })
    : estimateColumn('accuracy', 'Accuracy (%)', { ...PERCENT, title: 'Test accuracy, mean ± 95% Student-t interval over seeds' });
}

function ratioColumn(t: TaskAggregate): Column {
  return isUnitTrack(t)
    ? numberColumn('sparsity', 'Unit ratio', {
        format: (v) => (v === null ? MISSING : formatSparsity(v)),
        title: 'Fraction of units removed',
      })
    : numberColumn('sparsity', 'Sparsity', { format: (v) => (v === null ? MISSING : formatSparsity(v)) });
}

/** One unit ratio (or the N:M sparsity): every method's accuracy, measured speed-up and MACs, ranked by accuracy, controls after. */
export function ratioTable(t: TaskAggregate, ratio: number, input: SiteInput, front: ReadonlyMap<Cell, boolean>): TableSpec {
  const unit = isUnitTrack(t);
  const cells = t.cells.filter((c) => c.sparsity === ratio);
  const ranked = cells
    .filter((c) => c.control === null)
    .sort(
      (a, b) =>
        (a.sparsityRank?.rank ?? Infinity) - (b.sparsityRank?.rank ?? Infinity) ||
        orderValue(t, b) - orderValue(t, a) ||
        (a.method < b.method ? -1 : 1),
    );
  const rows: DataRow[] = [...ranked, ...cells.filter((c) => c.control !== null)].map((c) => {
    const name = methodName(input.names, c.method);
    const denseMacs = c.flopsDense?.mean ?? null;
    return {
      rank: c.sparsityRank?.rank ?? null,
      tied: c.sparsityRank?.tied ?? false,
      method: c.method,
      method_name: c.control ? methodLabel(name, c.control) : name,
      control: c.control,
      front: front.get(c) ?? null,
      ...estimateFields('accuracy', c.accuracy),
      ...estimateFields('mse', c.mse),
      ...estimateFields('retention', c.retention),
      ...estimateFields('speedup', c.speedup),
      dense_samples_per_second: c.denseSamplesPerSecond?.mean ?? null,
      compacted_samples_per_second: c.compactedSamplesPerSecond?.mean ?? null,
      macs: c.macs?.mean ?? null,
      macs_fraction: c.macs && denseMacs ? c.macs.mean / denseMacs : null,
      units_removed: c.unitsRemoved?.mean ?? null,
      measured_sparsity: c.measuredSparsity?.mean ?? null,
      seeds: c.n,
      failed: c.failed,
    };
  });
  const marks = (r: DataRow): Mark[] => [
    ...(r.front === true ? [SPEEDUP_FRONT_MARK] : []),
    ...(num(r.failed) ? [{ ...FAILED_MARK, label: `${r.failed} failed run(s); see the failures table` }] : []),
  ];
  const columns: Column[] = [
    {
      ...rankColumn('rank', 'tied'),
      title: `Rank at this ${unit ? 'unit ratio' : 'sparsity'} by accuracy; "=1": 95% interval overlaps the best's, as do those of every row above`,
    },
    methodColumn({ marks }),
    qualityColumn(t),
    estimateColumn('retention', 'Retention (%)', {
      ...PERCENT,
      title: t.kind === 'regression' ? 'Dense MSE / sparse MSE' : 'Sparse / dense accuracy',
    }),
    ...(unit
      ? [
          speedupColumn(
            'speedup',
            'Speed-up',
            'Measured throughput of the compacted network / of the dense network, mean ± 95% interval over seeds',
          ),
          numberColumn('compacted_samples_per_second', 'Samples/s', {
            format: formatCompact,
            title: 'Measured throughput of the compacted network (mean over seeds)',
          }),
        ]
      : []),
    numberColumn('macs', 'MACs', {
      format: formatCompact,
      title: unit ? 'Multiply–adds per sample of the compacted network' : 'Multiply–adds per sample of the non-zero weights',
    }),
    numberColumn('macs_fraction', 'MACs (% dense)', { ...PERCENT, title: 'MACs as a share of the dense network’s' }),
    ...(unit
      ? [
          numberColumn('units_removed', 'Units removed (%)', {
            ...PERCENT,
            title: 'Units removed from the layers the structure may shrink',
          }),
        ]
      : []),
    numberColumn('measured_sparsity', 'Weight sparsity (%)', {
      ...PERCENT,
      title: 'Zeros among the prunable weights, counted by the harness',
    }),
    {
      key: 'seeds',
      label: 'Seeds',
      title: 'Successful runs (failed runs in parentheses)',
      numeric: true,
      text: (r) => (num(r.failed) ? `${r.seeds} (${r.failed} failed)` : String(r.seeds)),
      sort: (r) => num(r.seeds),
    },
  ];
  return {
    id: `ratio-${sparsityField(ratio).replace('.', '_')}`,
    caption: unit
      ? `Unit ratio ${formatSparsity(ratio)} (${formatSparsity(ratio)} of the units removed)`
      : `Sparsity ${formatSparsity(ratio)}`,
    fields: [
      'rank',
      'tied',
      'method',
      'method_name',
      'control',
      'front',
      ...estimateFieldNames('accuracy'),
      ...estimateFieldNames('mse'),
      ...estimateFieldNames('retention'),
      ...estimateFieldNames('speedup'),
      'dense_samples_per_second',
      'compacted_samples_per_second',
      'macs',
      'macs_fraction',
      'units_removed',
      'measured_sparsity',
      'seeds',
      'failed',
    ],
    rows,
    columns,
    sortedBy: { key: 'rank', direction: 'ascending' },
    rowClass: (r) =>
      [r.control ? 'control' : null, r.front === true ? 'frontier' : null, r.tied === true ? 'tied' : null].filter(Boolean).join(' ') ||
      null,
  };
}

function pointFields(t: TaskAggregate, c: Cell, input: SiteInput, highlighted: ReadonlySet<string>): DataRow {
  return {
    method: c.method,
    method_name: methodName(input.names, c.method),
    sparsity: c.sparsity,
    highlight: highlighted.has(c.method),
    ...estimateFields(t.kind === 'regression' ? 'mse' : 'accuracy', quality(t, c)),
  };
}

/** Plot rows from table rows: the x value and its interval under `x`, the quality under `mean`. */
function plotRows(t: TaskAggregate, rows: DataRow[], xPrefix: string): DataRow[] {
  const q = t.kind === 'regression' ? 'mse' : 'accuracy';
  return rows.map((r) => ({
    method: r.method,
    sparsity: r.sparsity,
    highlight: r.highlight,
    front: r.front ?? false,
    x: r[`${xPrefix}_mean`] ?? r[xPrefix] ?? null,
    x_low: r[`${xPrefix}_low`] ?? null,
    x_high: r[`${xPrefix}_high`] ?? null,
    mean: r[`${q}_mean`],
    low: r[`${q}_low`],
    high: r[`${q}_high`],
  }));
}

async function trackFigures(
  page: PageBuilder,
  t: TaskAggregate,
  input: SiteInput,
  front: ReadonlyMap<Cell, boolean>,
): Promise<FigureView[]> {
  const out: FigureView[] = [];
  const cells = t.cells.filter((c) => c.control === null && c.n > 0 && quality(t, c));
  if (cells.length === 0) return out;
  const classification = t.kind !== 'regression';
  const q = classification ? 'accuracy' : 'mse';
  const legend: PlotLegend = legendFor(
    input.styles,
    cells.map((c) => c.method),
  );
  const highlighted = highlightedMethods(t);
  const fadedNote =
    highlighted.size < new Set(cells.map((c) => c.method)).size
      ? ` The ${highlighted.size} best-ranked methods are drawn in full colour, the others faded; the table has them all.`
      : '';
  const denseMean = (classification ? t.dense?.accuracy : t.dense?.mse)?.mean ?? null;
  const what = classification ? 'Test accuracy' : 'Test MSE';
  const unit = isUnitTrack(t);
  const qualityCol = qualityColumn(t);

  const timed = cells.filter((c) => front.has(c));
  if (unit && timed.length > 0) {
    const rows: DataRow[] = timed.map((c) => ({
      ...pointFields(t, c, input, highlighted),
      front: front.get(c)!,
      ...estimateFields('speedup', c.speedup),
    }));
    out.push(
      await page.figure({
        id: 'speedup-figure',
        short: 'Speed-up',
        title: `${classification ? 'Accuracy' : 'MSE'} against measured speed-up`,
        caption: `${what} against the measured speed-up of the compacted network over the dense one (${throughputText(trackSettings(t))}), one point per method and unit ratio: mean over seeds with 95% intervals on both axes; thin lines join a method's unit ratios. Ringed points on the dashed line: the Pareto front, where no other point is at least as fast and at least as ${classification ? 'accurate' : 'precise'}. Dashed lines: the dense reference (1×).${classification ? '' : LOG_AXIS_INTERVAL_NOTE}${fadedNote}`,
        spec: tradeoffSpec({
          kind: classification ? 'classification' : 'regression',
          rows: plotRows(t, rows, 'speedup'),
          x: { title: 'Measured speed-up over the dense network (log scale)', log: true, labelExpr: "format(datum.value, '.3~r') + '×'" },
          denseMean,
          denseX: { value: 1, label: 'dense (1×)', side: 'left' },
          legend,
          front: true,
        }),
        table: {
          id: 'speedup-data',
          caption: 'Data of the speed-up figure (★: on the Pareto front)',
          fields: ['method', 'method_name', 'sparsity', 'highlight', 'front', ...estimateFieldNames(q), ...estimateFieldNames('speedup')],
          rows,
          columns: [
            methodColumn({ link: false, marks: (r) => (r.front === true ? [SPEEDUP_FRONT_MARK] : []) }),
            ratioColumn(t),
            speedupColumn('speedup', 'Speed-up', 'Measured, mean ± 95% interval over seeds'),
            qualityCol,
          ],
          sortedBy: { key: 'method', direction: 'ascending' },
        },
      }),
    );
  }

  const counted = cells.filter((c) => c.macs);
  if (counted.length > 0) {
    const denseMacs = t.dense?.flops?.mean ?? counted[0].flopsDense?.mean ?? null;
    const rows: DataRow[] = counted.map((c) => ({
      ...pointFields(t, c, input, highlighted),
      macs: c.macs!.mean,
      macs_fraction: denseMacs ? c.macs!.mean / denseMacs : null,
    }));
    out.push(
      await page.figure({
        id: 'macs-figure',
        short: 'MACs',
        title: `${classification ? 'Accuracy' : 'MSE'} against multiply–adds`,
        caption: `${what} against the multiply–adds per sample ${unit ? 'of the compacted network' : 'of the non-zero weights (no backend here runs them faster)'}, one point per method and ${unit ? 'unit ratio' : 'sparsity'}: mean over seeds with 95% intervals; ${unit ? "thin lines join a method's unit ratios; " : ''}dashed lines: the dense reference and its MACs.${classification ? '' : LOG_AXIS_INTERVAL_NOTE}${fadedNote}`,
        spec: tradeoffSpec({
          kind: classification ? 'classification' : 'regression',
          rows: plotRows(t, rows, 'macs'),
          x: { title: 'Multiply–adds per sample (log scale)', log: true, labelExpr: "format(datum.value, '~s')" },
          denseMean,
          denseX: denseMacs === null ? null : { value: denseMacs, label: 'dense MACs', side: 'right' },
          legend,
          front: false,
        }),
        table: {
          id: 'macs-data',
          caption: 'Data of the multiply–adds figure',
          fields: ['method', 'method_name', 'sparsity', 'highlight', ...estimateFieldNames(q), 'macs', 'macs_fraction'],
          rows,
          columns: [
            methodColumn({ link: false }),
            ratioColumn(t),
            numberColumn('macs', 'MACs', {
              format: formatCompact,
              title: 'Multiply–adds per sample (the download adds their share of the dense MACs)',
            }),
            qualityCol,
          ],
          sortedBy: { key: 'method', direction: 'ascending' },
        },
      }),
    );
  }

  const recovered = cells.filter((c) => c.unitRecovery);
  if (recovered.length > 0) {
    const rows: DataRow[] = recovered.map((c) => ({
      method: c.method,
      method_name: methodName(input.names, c.method),
      sparsity: c.sparsity,
      highlight: highlighted.has(c.method),
      ...estimateFields('unit_precision', c.unitRecovery!.precision),
      ...estimateFields('unit_recall', c.unitRecovery!.recall),
      ...estimateFields('unit_jaccard', c.unitRecovery!.jaccard),
      weight_precision: c.recovery?.precision?.mean ?? null,
      weight_recall: c.recovery?.recall?.mean ?? null,
      weight_jaccard: c.recovery?.jaccard?.mean ?? null,
    }));
    const plotted = rows.map((r) => ({
      method: r.method,
      sparsity: r.sparsity,
      highlight: r.highlight,
      precision: r.unit_precision_mean,
      recall: r.unit_recall_mean,
      jaccard: r.unit_jaccard_mean,
    }));
    out.push(
      await page.figure({
        id: 'unit-recovery-figure',
        short: 'Planted units',
        title: 'Recovery of the planted neurons',
        caption: `Precision, recall and Jaccard index of the hidden units kept against the planted ticket's units (a unit is planted when a planted weight enters or leaves it), pooled over the hidden layers, mean over seeds. The table adds the intervals and the recovery of the planted weights.${fadedNote}`,
        spec: panelsSpec(
          plotted,
          [
            { field: 'precision', title: 'Unit precision', format: '~%', domain: [0, 1] },
            { field: 'recall', title: 'Unit recall', format: '~%', domain: [0, 1] },
            { field: 'jaccard', title: 'Unit Jaccard', format: '~%', domain: [0, 1] },
          ],
          [],
          legendFor(
            input.styles,
            recovered.map((c) => c.method),
          ),
          undefined,
          unitRatioAxis(t.grid),
        ),
        table: {
          id: 'unit-recovery-data',
          caption: 'Data of the planted-neuron recovery figure',
          fields: [
            'method',
            'method_name',
            'sparsity',
            'highlight',
            ...estimateFieldNames('unit_precision'),
            ...estimateFieldNames('unit_recall'),
            ...estimateFieldNames('unit_jaccard'),
            'weight_precision',
            'weight_recall',
            'weight_jaccard',
          ],
          rows,
          columns: [
            methodColumn({ link: false }),
            ratioColumn(t),
            estimateColumn('unit_precision', 'Unit precision (%)', PERCENT),
            estimateColumn('unit_recall', 'Unit recall (%)', PERCENT),
            estimateColumn('unit_jaccard', 'Unit Jaccard (%)', PERCENT),
            numberColumn('weight_precision', 'Weight precision (%)', {
              ...PERCENT,
              title: 'Kept weights that are planted (mean over seeds)',
            }),
            numberColumn('weight_recall', 'Weight recall (%)', { ...PERCENT, title: 'Planted weights that are kept (mean over seeds)' }),
          ],
          sortedBy: { key: 'method', direction: 'ascending' },
        },
      }),
    );
  }
  return out;
}

export async function structuredTrackPage(t: TaskAggregate, input: SiteInput): Promise<PageView> {
  const structure = t.task.structure;
  if (structure === undefined) throw new Error(`structuredTrackPage: ${t.task.key} is not a structured track`);
  const page = new PageBuilder(trackPath(t.task));
  const classification = t.kind !== 'regression';
  const unit = isUnitTrack(t);
  const suiteId = input.structured.suite.get(t.task.key) ?? null;
  const front = speedupFront(t);
  const facts: Array<{ label: string; value: string }> = [
    { label: 'Structure', value: structureName(structure) },
    ...(suiteId ? [{ label: 'Ranked in suite', value: suiteId }] : []),
    { label: unit ? 'Unit ratios' : 'Sparsity', value: t.grid.length ? t.grid.map(formatSparsity).join(', ') : MISSING },
    { label: 'Seeds', value: formatSeeds(t.seeds) },
    ...scaleFacts(input.taskDefinition(t.task.id)),
    { label: 'Methods', value: String(t.methods.length) },
    { label: 'Runs', value: `${formatInteger(t.cells.reduce((n, c) => n + c.n + c.failed, 0))}${t.failed ? ` (${t.failed} failed)` : ''}` },
  ];
  if (t.dense) {
    facts.push({
      label: classification ? 'Dense accuracy (%)' : 'Dense MSE',
      value: classification ? formatEstimate(t.dense.accuracy, 2, 100) : formatSignificantEstimate(t.dense.mse),
    });
    facts.push({ label: 'Dense MACs', value: formatCompact(t.dense.flops?.mean) });
  }
  if (unit) facts.push({ label: 'Throughput measured on', value: throughputText(trackSettings(t)) });
  const ranking = page.table({ ...rankingTable(t, input), caption: `Overall ranking on ${taskTitle(t)}` });
  const denseSpec = denseTable(t);
  const dense = denseSpec ? page.table(denseSpec) : null;
  const figures = await trackFigures(page, t, input, front);
  const ratios = t.grid
    .filter((sp) => t.cells.some((c) => c.sparsity === sp))
    .map((sp) => ({ label: formatSparsity(sp), table: page.table(ratioTable(t, sp, input, front)) }));
  const offGridTask = input.offGrid.get(t.task.key);
  const offGridSpec = offGridTask ? offGridTable(offGridTask, input) : null;
  const offGrid = offGridSpec
    ? {
        table: page.table(offGridSpec),
        summary: `${plural(
          offGridTask!.cells.reduce((n, c) => n + c.n + c.failed, 0),
          'record',
        )} outside the suite's grid, not scored`,
      }
    : null;
  const failuresSpec = failuresTable(t, input);
  const failures = failuresSpec ? page.table(failuresSpec) : null;
  const onLeaderboard = input.aggregate.tasks.some((x) => x.task.key === taskKey(t.task));
  const toc = [
    {
      label: 'Tables',
      items: [
        { href: '#ranking', label: 'Ranking' },
        ...(dense ? [{ href: '#dense', label: 'Dense reference' }] : []),
        ...(failures ? [{ href: '#failures', label: 'Failed runs' }] : []),
      ],
    },
    { label: 'Figures', items: figures.map((f) => ({ href: `#${f.id}`, label: f.short })) },
    { label: unit ? 'Per unit ratio' : 'Per sparsity', items: ratios.map((r) => ({ href: `#${r.table.id}`, label: r.label })) },
  ].filter((g) => g.items.length > 0);
  return page.page(
    'structured-track',
    taskTitle(t),
    `Structured pruning (${structureName(structure)}) on ${t.task.id} (version ${t.task.version}): accuracy, measured speed-up and MACs.`,
    'structured',
    {
      taskId: t.task.id,
      version: t.task.version,
      structure,
      structureName: structureName(structure),
      statement: structureStatement(structure),
      unit,
      facts,
      toc,
      ranking,
      anyRanked: t.ranking.some((s) => s.rank !== null),
      dense,
      figures,
      ratios,
      ratioTerm: unit ? 'unit ratio' : 'sparsity',
      ratioTermPlural: unit ? 'unit ratios' : 'sparsities',
      offGrid,
      failures,
      suiteHref: suiteId ? `${page.root}${suitePath(suiteId)}#${suiteTaskAnchor(t.task)}` : null,
      suiteId,
      taskHref: onLeaderboard ? page.root + taskPath(t.task) : null,
      regression: !classification,
    },
  );
}

/** The structured tracks: one row each, with its leader and the fastest entry that keeps RETENTION_FLOOR of the dense quality. */
export function tracksTable(input: SiteInput): TableSpec {
  const rows: DataRow[] = input.structured.aggregate.tasks.map((t) => {
    const leaders = t.ranking.filter((s) => s.rank === 1);
    const fastest = fastestRetaining(t);
    return {
      task_id: t.task.id,
      task_version: t.task.version,
      structure: t.task.structure ?? null,
      suite: input.structured.suite.get(t.task.key) ?? null,
      grid: t.grid.map(sparsityField).join(' '),
      seeds: t.seeds.length,
      methods: t.methods.length,
      leader: leaders.map((s) => s.method).join(' '),
      leader_name: leaders.map((s) => methodName(input.names, s.method)).join(', '),
      ...estimateFields('leader_score', leaders[0]?.score ?? null),
      fastest_method: fastest?.method ?? null,
      fastest_sparsity: fastest?.sparsity ?? null,
      fastest_speedup: fastest?.speedup?.mean ?? null,
      fastest_retention: fastest?.retention?.mean ?? null,
    };
  });
  const structureOf = (r: DataRow) => ({ id: String(r.task_id), version: String(r.task_version), structure: String(r.structure) });
  return {
    id: 'tracks',
    caption: 'Structured tracks',
    note: `Score: mean retention over the track's grid (unit ratios for neurons and filters), as on the leaderboard. Fastest: the largest measured speed-up among the entries that keep at least ${formatSparsity(RETENTION_FLOOR)} of the dense accuracy (dense MSE / MSE for regression), mean over seeds; N:M tracks have none, since no backend here accelerates N:M sparsity.`,
    fields: [
      'task_id',
      'task_version',
      'structure',
      'suite',
      'grid',
      'seeds',
      'methods',
      'leader',
      'leader_name',
      ...estimateFieldNames('leader_score'),
      'fastest_method',
      'fastest_sparsity',
      'fastest_speedup',
      'fastest_retention',
    ],
    rows,
    columns: [
      {
        key: 'track',
        label: 'Task',
        rowHeader: true,
        text: (r) => `${r.task_id} v${r.task_version}`,
        sort: (r) => `${r.task_id} ${r.task_version} ${r.structure}`,
        href: (r) => trackPath(structureOf(r)),
      },
      textColumn('structure', 'Structure', { format: (v) => (v === null ? MISSING : structureName(String(v))) }),
      {
        ...textColumn('suite', 'Suite'),
        href: (r) => {
          if (r.suite === null) return null;
          const anchor = suiteTaskAnchor({
            key: trackKey({ id: String(r.task_id), version: String(r.task_version) }, String(r.structure)),
          });
          return `${suitePath(String(r.suite))}#${anchor}`;
        },
      },
      textColumn('grid', 'Grid', {
        title: 'Unit ratios (neurons, filters) or sparsity (N:M)',
        format: (v) =>
          v === null || v === ''
            ? MISSING
            : String(v)
                .split(' ')
                .map((x) => `${x}%`)
                .join(', '),
      }),
      numberColumn('seeds', 'Seeds', { digits: 0 }),
      {
        key: 'leader',
        label: 'Leader',
        title: 'Rank 1 (with "=1" ties), score ± 95% interval',
        text: (r) =>
          r.leader_name === ''
            ? 'none ranked'
            : `${r.leader_name} · ${formatMeanInterval(num(r.leader_score_mean), num(r.leader_score_low) === null ? null : (num(r.leader_score_high)! - num(r.leader_score_low)!) / 2, 2, 100)}`,
        sort: (r) => num(r.leader_score_mean),
      },
      {
        key: 'fastest',
        label: `Fastest at ≥ ${formatSparsity(RETENTION_FLOOR)} retention`,
        numeric: true,
        text: (r) =>
          num(r.fastest_speedup) === null
            ? MISSING
            : `${formatNumber(num(r.fastest_speedup), 2)}× · ${methodName(input.names, String(r.fastest_method))} at ${formatSparsity(num(r.fastest_sparsity)!)} (${formatNumber(num(r.fastest_retention), 1, 100)}%)`,
        sort: (r) => num(r.fastest_speedup),
      },
    ],
    sortedBy: { key: 'track', direction: 'ascending' },
  };
}

export function structuredIndexPage(input: SiteInput): PageView {
  const page = new PageBuilder(STRUCTURED_PATH);
  const tracks = input.structured.aggregate.tasks;
  const table = tracks.length ? page.table(tracksTable(input)) : null;
  const suites = [...new Set(input.structured.suite.values())].map((id) => ({
    id,
    href: page.root + suitePath(id),
    description: input.otherSuites.find((v) => v.suite.id === id)?.suite.description ?? null,
  }));
  const hasNm = tracks.some((t) => t.task.structure?.includes(':'));
  return page.page(
    'structured',
    'Structured sparsity',
    'Structured pruning on PruneBench: whole neurons and filters removed, with measured speed-ups, and N:M sparsity.',
    'structured',
    {
      table,
      empty: tracks.length === 0,
      suites,
      hasNm,
      stats: [
        { label: 'Tracks', value: formatInteger(tracks.length) },
        { label: 'Methods', value: formatInteger(new Set(tracks.flatMap((t) => t.methods)).size) },
        { label: 'Runs', value: formatInteger(input.structured.aggregate.records) },
        { label: 'Failed runs', value: formatInteger(input.structured.aggregate.failed) },
      ],
    },
  );
}
