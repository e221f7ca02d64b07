/** A task's page: ranking, controls, plots with their data, one table per sparsity, failures. */
import { methodLabel, taskKey, type Cell, type MethodScore, type TaskAggregate } from '../../harness/aggregate/aggregate.ts';
import {
  formatCompact,
  formatCompression,
  formatEstimate,
  formatInteger,
  formatMeanInterval,
  formatNumber,
  formatSeeds,
  formatSignificantEstimate,
  formatSignificantInterval,
  formatSparsity,
  MISSING,
} from '../../harness/report/format.ts';
import { suitePath, suiteTaskAnchor, taskPath, trackPath } from '../paths.ts';
import { accuracySpec, HIGHLIGHTED_METHODS, legendFor, LOG_AXIS_INTERVAL_NOTE, panelsSpec, reliabilitySpec } from '../plots.ts';
import { reproductionPath } from '../reproductions.ts';
import { plural, scaleFacts } from './scale.ts';
import type { Column, DataRow, Mark, TableSpec } from '../tables.ts';
import {
  familyOf,
  familyTitle,
  FRONTIER_MARK,
  estimateColumn,
  estimateFieldNames,
  estimateFields,
  FAILED_MARK,
  INCOMPLETE_MARK,
  integerColumn,
  methodColumn,
  methodName,
  num,
  numberColumn,
  PageBuilder,
  rankColumn,
  sparsityField,
  textColumn,
  VERSIONS_MARK,
  type FigureView,
  type PageView,
  type SiteInput,
} from './common.ts';

const PERCENT = { scale: 100, digits: 2 };

/** "mnist-lenet300 (v1)"; a structured track adds its structure: "mnist-lenet300 (v1) [neuron]". */
export function taskTitle(t: TaskAggregate): string {
  return `${t.task.id} (v${t.task.version})${t.task.structure ? ` [${t.task.structure}]` : ''}`;
}

/** What a track's grid is of: the fraction of units removed for neuron and filter tracks, else the weight sparsity. */
export function gridTerm(t: TaskAggregate): 'unit ratio' | 'sparsity' {
  return t.task.structure === 'neuron' || t.task.structure === 'filter' ? 'unit ratio' : 'sparsity';
}

function sparsityText(v: string): string {
  return v === ''
    ? MISSING
    : v
        .split(' ')
        .map((s) => formatSparsity(Number(s) / 100))
        .join(', ');
}

/** The overall ranking table of a task: rank, method, score, per-sparsity retention, seeds, coverage. */
export function rankingTable(t: TaskAggregate, input: SiteInput): TableSpec {
  const versionsByMethod = new Map<string, number>();
  for (const c of t.cells)
    if (c.control === null) versionsByMethod.set(c.method, Math.max(versionsByMethod.get(c.method) ?? 0, c.methodVersions.length));
  const perSparsity = (s: MethodScore) =>
    Object.fromEntries(
      t.grid.map((sp) => [
        `retention_${sparsityField(sp)}`,
        t.cells.find((c) => c.method === s.method && c.control === null && c.sparsity === sp)?.retention?.mean ?? null,
      ]),
    );
  const rows: DataRow[] = t.ranking.map((s) => ({
    rank: s.rank,
    tied: s.rankLabel.startsWith('='),
    method: s.method,
    method_name: methodName(input.names, s.method),
    ...estimateFields('score', s.score),
    partial_score: s.partialScore,
    seeds: s.seedScores.length,
    incomplete_seeds: s.incompleteSeeds.length,
    covered: s.coveredSparsities.length,
    grid: s.grid.length,
    missing: s.missingSparsities.map(sparsityField).join(' '),
    mixed_versions: (versionsByMethod.get(s.method) ?? 0) > 1,
    ...perSparsity(s),
  }));
  const term = gridTerm(t);
  const scoreColumn: Column = {
    key: 'score',
    label: 'Score (%)',
    title: `Mean accuracy retention over the ${term} grid (% of dense), mean ± 95% interval over seeds; in parentheses: partial score of an incomplete method`,
    numeric: true,
    text: (r) =>
      num(r.score_mean) !== null
        ? formatMeanInterval(num(r.score_mean), num(r.score_low) === null ? null : (num(r.score_high)! - num(r.score_low)!) / 2, 2, 100)
        : num(r.partial_score) !== null
          ? `(${formatNumber(num(r.partial_score), 2, 100)})`
          : MISSING,
    sort: (r) => num(r.score_mean) ?? num(r.partial_score),
  };
  const marks = (r: DataRow): Mark[] => [
    ...(r.rank === null ? [INCOMPLETE_MARK] : []),
    ...(r.mixed_versions === true ? [VERSIONS_MARK] : []),
  ];
  return {
    id: 'ranking',
    caption: `Overall ranking on ${taskTitle(t)}`,
    note:
      t.kind === 'regression'
        ? `Score: mean over the ${term} grid of retention = dense MSE / sparse MSE (%), per seed, then mean ± 95% Student-t interval over seeds.`
        : `Score: mean over the ${term} grid of accuracy retention = sparse / dense accuracy (%), per seed, then mean ± 95% Student-t interval over seeds.`,
    fields: [
      'rank',
      'tied',
      'method',
      'method_name',
      ...estimateFieldNames('score'),
      'partial_score',
      'seeds',
      'incomplete_seeds',
      'covered',
      'grid',
      'missing',
      'mixed_versions',
      ...t.grid.map((sp) => `retention_${sparsityField(sp)}`),
    ],
    rows,
    columns: [
      rankColumn('rank', 'tied'),
      methodColumn({ marks }),
      scoreColumn,
      ...t.grid.map((sp) => ({
        ...numberColumn(`retention_${sparsityField(sp)}`, formatSparsity(sp), {
          ...PERCENT,
          title:
            term === 'unit ratio'
              ? `Mean retention (%) with ${formatSparsity(sp)} of the units removed`
              : `Mean retention (%) at sparsity ${formatSparsity(sp)} (${formatCompression(sp)} compression)`,
        }),
        group: `Retention (%) at ${term}`,
      })),
      {
        key: 'seeds',
        label: 'Seeds',
        title: `Seeds with a result at every grid ${term} (+ seeds left out because they miss one)`,
        numeric: true,
        text: (r) => (num(r.incomplete_seeds) ? `${r.seeds} (+${r.incomplete_seeds} partial)` : String(r.seeds)),
        sort: (r) => num(r.seeds),
      },
      {
        key: 'coverage',
        label: 'Coverage',
        title: `Grid ${term === 'unit ratio' ? 'unit ratios' : 'sparsities'} with results`,
        text: (r) => `${r.covered}/${r.grid}${r.missing ? ` · missing ${sparsityText(String(r.missing))}` : ''}`,
        sort: (r) => num(r.covered),
      },
    ],
    sortedBy: { key: 'rank', direction: 'ascending' },
    rowClass: (r) => (r.rank === 1 && !r.tied ? 'leader' : r.tied ? 'tied' : r.rank === null ? 'incomplete' : null),
  };
}

export function controlsTable(t: TaskAggregate, input: SiteInput): TableSpec | null {
  if (t.controls.length === 0) return null;
  const rows: DataRow[] = t.controls.map((c) => ({
    method: c.method,
    method_name: methodName(input.names, c.method),
    control: c.control,
    ...estimateFields('score', c.score),
    partial_score: c.partialScore,
    ...estimateFields('reference', c.referenceScore),
    difference: c.score && c.referenceScore ? c.score.mean - c.referenceScore.mean : null,
    sparsities: c.grid.map(sparsityField).join(' '),
    seeds: c.seedScores.length,
  }));
  return {
    id: 'controls',
    caption: 'Controls (not ranked): each against its own method on the same sparsities',
    note: "shuffled: the method's mask permuted within each layer; reinit: the mask kept, weights re-drawn; inverted: the lowest scores kept. A control close to its method means the method's choice of weights matters little.",
    fields: [
      'method',
      'method_name',
      'control',
      ...estimateFieldNames('score'),
      'partial_score',
      ...estimateFieldNames('reference'),
      'difference',
      'sparsities',
      'seeds',
    ],
    rows,
    columns: [
      methodColumn(),
      textColumn('control', 'Control'),
      {
        ...estimateColumn('score', 'Control score', { ...PERCENT, title: 'Mean retention (%) over the sparsities the control covers' }),
        text: (r) =>
          num(r.score_mean) !== null
            ? estimateColumn('score', '', PERCENT).text(r)
            : num(r.partial_score) !== null
              ? `(${formatNumber(num(r.partial_score), 2, 100)})`
              : MISSING,
      },
      estimateColumn('reference', 'Method score', {
        ...PERCENT,
        title: "The uncontrolled method's mean retention (%) over the same sparsities",
      }),
      numberColumn('difference', 'Difference', { ...PERCENT, title: 'Control − method, percentage points' }),
      textColumn('sparsities', 'Sparsities', { format: (v) => sparsityText(String(v ?? '')) }),
      numberColumn('seeds', 'Seeds', { digits: 0 }),
    ],
    sortedBy: { key: 'method', direction: 'ascending' },
  };
}

export function denseTable(t: TaskAggregate): TableSpec | null {
  const d = t.dense;
  if (!d) return null;
  const classification = t.kind !== 'regression';
  const row: DataRow = {
    ...estimateFields('accuracy', d.accuracy),
    ...estimateFields('mse', d.mse),
    ece: d.ece?.mean ?? null,
    nll: d.nll?.mean ?? null,
    brier: d.brier?.mean ?? null,
    worst_group_accuracy: d.worstGroupAccuracy?.mean ?? null,
    parameters: d.parameters?.mean ?? null,
    prunable_parameters: d.prunableParameters?.mean ?? null,
    flops: d.flops?.mean ?? null,
    seeds: d.n,
    failed: d.failed,
  };
  return {
    id: 'dense',
    caption: 'Dense reference (unpruned, same recipe and seeds)',
    fields: [
      ...estimateFieldNames('accuracy'),
      ...estimateFieldNames('mse'),
      'ece',
      'nll',
      'brier',
      'worst_group_accuracy',
      'parameters',
      'prunable_parameters',
      'flops',
      'seeds',
      'failed',
    ],
    rows: [row],
    columns: [
      classification ? estimateColumn('accuracy', 'Accuracy (%)', PERCENT) : estimateColumn('mse', 'MSE', { significant: true }),
      ...(classification
        ? [
            numberColumn('ece', 'ECE', { digits: 3 }),
            numberColumn('nll', 'NLL', { digits: 3 }),
            numberColumn('brier', 'Brier', { digits: 3 }),
            numberColumn('worst_group_accuracy', 'Worst group (%)', PERCENT),
          ]
        : []),
      integerColumn('parameters', 'Parameters'),
      integerColumn('prunable_parameters', 'Prunable'),
      numberColumn('flops', 'FLOPs', { format: formatCompact, title: 'Multiply–adds per sample' }),
      numberColumn('seeds', 'Seeds', { digits: 0 }),
      numberColumn('failed', 'Failed', { digits: 0 }),
    ],
    sortedBy: { key: classification ? 'accuracy' : 'mse', direction: 'descending' },
  };
}

function cellRow(c: Cell, input: SiteInput): DataRow {
  const name = methodName(input.names, c.method);
  return {
    rank: c.sparsityRank?.rank ?? null,
    tied: c.sparsityRank?.tied ?? false,
    method: c.method,
    method_name: c.control ? methodLabel(name, c.control) : name,
    control: c.control,
    dominated: c.paretoDominated,
    ...estimateFields('accuracy', c.accuracy),
    ...estimateFields('mse', c.mse),
    ...estimateFields('retention', c.retention),
    ece: c.ece?.mean ?? null,
    nll: c.nll?.mean ?? null,
    brier: c.brier?.mean ?? null,
    max_psi: c.maxPsi?.mean ?? null,
    psi_range: c.psiRange?.mean ?? null,
    worst_group_accuracy: c.worstGroupAccuracy?.mean ?? null,
    measured_sparsity: c.measuredSparsity?.mean ?? null,
    flops: c.flopsSparse?.mean ?? null,
    remaining_parameters: c.remainingParameters?.mean ?? null,
    seeds: c.n,
    failed: c.failed,
    mixed_versions: c.methodVersions.length > 1,
  };
}

/** One sparsity level: every method's metrics, ranked by accuracy, controls after. */
export function sparsityTable(t: TaskAggregate, sparsity: number, input: SiteInput): TableSpec {
  const cells = t.cells.filter((c) => c.sparsity === sparsity);
  // Tied cells share rank 1; within it, and for unranked cells, the better mean comes first.
  const quality = (c: Cell) => c.accuracy?.mean ?? (c.mse ? -c.mse.mean : -Infinity);
  const ranked = cells
    .filter((c) => c.control === null)
    .sort(
      (a, b) =>
        (a.sparsityRank?.rank ?? Infinity) - (b.sparsityRank?.rank ?? Infinity) ||
        quality(b) - quality(a) ||
        (a.method < b.method ? -1 : 1),
    );
  const controls = cells.filter((c) => c.control !== null);
  const rows = [...ranked, ...controls].map((c) => cellRow(c, input));
  const classification = t.kind !== 'regression';
  const marks = (r: DataRow): Mark[] => [
    ...(r.dominated === false ? [FRONTIER_MARK] : []),
    ...(num(r.failed) ? [{ ...FAILED_MARK, label: `${r.failed} failed run(s); see the failures table` }] : []),
    ...(r.mixed_versions === true ? [VERSIONS_MARK] : []),
  ];
  const columns: Column[] = [
    {
      ...rankColumn('rank', 'tied'),
      title: 'Rank at this sparsity by accuracy; "=1": 95% interval overlaps the best\'s, as do those of every row above',
    },
    methodColumn({ marks }),
    classification
      ? estimateColumn('accuracy', 'Accuracy (%)', { ...PERCENT, title: 'Test accuracy, mean ± 95% Student-t interval over seeds' })
      : estimateColumn('mse', 'MSE', { significant: true, title: 'Test MSE, mean ± 95% Student-t interval over seeds' }),
    estimateColumn('retention', 'Retention (%)', {
      ...PERCENT,
      title: classification ? 'Sparse / dense accuracy' : 'Dense MSE / sparse MSE',
    }),
    ...(classification
      ? [
          numberColumn('ece', 'ECE', { digits: 3, title: 'Expected calibration error, 15 equal-width bins' }),
          numberColumn('nll', 'NLL', { digits: 3, title: 'Mean negative log-likelihood' }),
          numberColumn('brier', 'Brier', { digits: 3, title: 'Multi-class Brier score' }),
          numberColumn('max_psi', 'max ψ (pp)', {
            digits: 2,
            scale: 100,
            title: 'Largest excess accuracy drop of a group, percentage points',
          }),
          numberColumn('psi_range', 'Ψ (pp)', { digits: 2, scale: 100, title: 'max ψ − min ψ over groups, percentage points' }),
          numberColumn('worst_group_accuracy', 'Worst group (%)', { ...PERCENT, title: 'Lowest per-group accuracy' }),
        ]
      : []),
    numberColumn('flops', 'FLOPs', { format: formatCompact, title: 'Multiply–adds per sample of the non-zero weights' }),
    integerColumn('remaining_parameters', 'Weights', 'Non-zero prunable weights left'),
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
    id: `sparsity-${sparsityField(sparsity).replace('.', '_')}`,
    caption: `Sparsity ${formatSparsity(sparsity)} (${formatCompression(sparsity)} compression)`,
    fields: [
      'rank',
      'tied',
      'method',
      'method_name',
      'control',
      'dominated',
      ...estimateFieldNames('accuracy'),
      ...estimateFieldNames('mse'),
      ...estimateFieldNames('retention'),
      'ece',
      'nll',
      'brier',
      'max_psi',
      'psi_range',
      'worst_group_accuracy',
      'measured_sparsity',
      'flops',
      'remaining_parameters',
      'seeds',
      'failed',
      'mixed_versions',
    ],
    rows,
    columns,
    sortedBy: { key: 'rank', direction: 'ascending' },
    rowClass: (r) =>
      [r.control ? 'control' : null, r.dominated === false ? 'frontier' : null, r.tied === true ? 'tied' : null]
        .filter(Boolean)
        .join(' ') || null,
  };
}

export function failuresTable(t: TaskAggregate, input: SiteInput): TableSpec | null {
  const rows: DataRow[] = t.cells.flatMap((c) =>
    c.failures.map((f) => ({
      method: c.method,
      method_name: c.control ? methodLabel(methodName(input.names, c.method), c.control) : methodName(input.names, c.method),
      control: c.control,
      sparsity: c.sparsity,
      seed: f.seed,
      stage: f.stage,
      reason: f.reason,
    })),
  );
  if (rows.length === 0) return null;
  return {
    id: 'failures',
    caption: 'Failed runs (excluded from every number above)',
    fields: ['method', 'method_name', 'control', 'sparsity', 'seed', 'stage', 'reason'],
    rows,
    columns: [
      methodColumn(),
      numberColumn('sparsity', gridTerm(t) === 'unit ratio' ? 'Unit ratio' : 'Sparsity', {
        format: (v) => (v === null ? MISSING : formatSparsity(v)),
      }),
      numberColumn('seed', 'Seed', { digits: 0 }),
      textColumn('stage', 'Stage'),
      textColumn('reason', 'Reason'),
    ],
    sortedBy: { key: 'method', direction: 'ascending' },
  };
}

function uncontrolledWithResults(t: TaskAggregate): Cell[] {
  return t.cells.filter((c) => c.control === null && c.n > 0);
}

/** The sparsity for reliability diagrams: the highest grid sparsity every ranked method has bins at. */
export function reliabilitySparsity(t: TaskAggregate): number | null {
  const withBins = t.cells.filter((c) => c.control === null && c.calibrationBins);
  if (withBins.length === 0) return null;
  const ranked = t.ranking.filter((s) => s.rank !== null).map((s) => s.method);
  const candidates = [...t.grid]
    .reverse()
    .filter((sp) => ranked.length > 0 && ranked.every((m) => withBins.some((c) => c.method === m && c.sparsity === sp)));
  return candidates[0] ?? Math.max(...withBins.map((c) => c.sparsity));
}

/** The methods plots draw in full colour: the best-ranked ones (then incomplete ones by coverage, in ranking order). */
export function highlightedMethods(t: TaskAggregate): Set<string> {
  return new Set(t.ranking.slice(0, HIGHLIGHTED_METHODS).map((s) => s.method));
}

async function figures(page: PageBuilder, t: TaskAggregate, input: SiteInput): Promise<FigureView[]> {
  const out: FigureView[] = [];
  const cells = uncontrolledWithResults(t);
  if (cells.length === 0) return out;
  const classification = t.kind !== 'regression';
  const gridCompressions = [...t.grid.map((s) => 1 / (1 - s)), ...cells.map((c) => c.compression)];
  const legend = legendFor(
    input.styles,
    cells.map((c) => c.method),
  );
  const highlighted = highlightedMethods(t);
  const base = (c: Cell) => ({
    method: c.method,
    method_name: methodName(input.names, c.method),
    sparsity: c.sparsity,
    compression: c.compression,
    highlight: highlighted.has(c.method),
  });
  const fadedNote =
    highlighted.size < new Set(cells.map((c) => c.method)).size
      ? ` The ${highlighted.size} best-ranked methods are drawn in full colour, the others faded; the table has them all.`
      : '';
  const sparsityColumn = numberColumn('sparsity', 'Sparsity', {
    format: (v) => (v === null ? MISSING : `${formatSparsity(v)} (${formatCompression(v)})`),
  });

  const accuracyRows: DataRow[] = cells.map((c) => {
    const e = classification ? c.accuracy : c.mse;
    return { ...base(c), mean: e?.mean ?? null, low: e?.interval?.low ?? null, high: e?.interval?.high ?? null };
  });
  const denseMean = (classification ? t.dense?.accuracy : t.dense?.mse)?.mean ?? null;
  out.push(
    await page.figure({
      id: 'accuracy-figure',
      short: classification ? 'Accuracy' : 'MSE',
      title: classification ? 'Accuracy against compression' : 'MSE against compression',
      caption: `${classification ? 'Test accuracy' : 'Test MSE'} per method (legend: method ids), mean over seeds with 95% interval bands; dashed line: dense reference.${classification ? '' : LOG_AXIS_INTERVAL_NOTE}${fadedNote}`,
      spec: accuracySpec({
        kind: classification ? 'classification' : 'regression',
        rows: accuracyRows,
        denseMean,
        gridCompressions,
        legend,
      }),
      table: {
        id: 'accuracy-data',
        caption: 'Data of the accuracy figure',
        fields: ['method', 'method_name', 'sparsity', 'compression', 'highlight', 'mean', 'low', 'high'],
        rows: accuracyRows,
        columns: [
          methodColumn({ link: false }),
          sparsityColumn,
          {
            key: 'mean',
            label: classification ? 'Accuracy (%)' : 'MSE',
            numeric: true,
            text: (r) => {
              const half = num(r.low) === null ? null : (num(r.high)! - num(r.low)!) / 2;
              return classification ? formatMeanInterval(num(r.mean), half, 2, 100) : formatSignificantInterval(num(r.mean), half);
            },
            sort: (r) => num(r.mean),
          },
        ],
        sortedBy: { key: 'method', direction: 'ascending' },
      },
    }),
  );

  if (t.planted) {
    const recoveryRows: DataRow[] = cells
      .filter((c) => c.recovery)
      .map((c) => ({
        ...base(c),
        ...estimateFields('precision', c.recovery!.precision),
        ...estimateFields('recall', c.recovery!.recall),
        jaccard: c.recovery!.jaccard?.mean ?? null,
      }));
    if (recoveryRows.length) {
      const plantedSparsity = t.planted.sparsity;
      const marker =
        plantedSparsity !== null && plantedSparsity < 1
          ? { compression: 1 / (1 - plantedSparsity), label: `planted ticket (${formatSparsity(plantedSparsity)})` }
          : undefined;
      const plotRows = recoveryRows.map((r) => ({ ...r, precision: r.precision_mean, recall: r.recall_mean }));
      out.push(
        await page.figure({
          id: 'recovery-figure',
          short: 'Recovery',
          title: 'Recovery of the planted ticket',
          caption: `Precision and recall of the kept weights against the planted edges, mean over seeds; dashed line: the planted ticket's own sparsity${marker ? ` (${formatSparsity(plantedSparsity!)})` : ''}.${fadedNote}`,
          spec: panelsSpec(
            plotRows,
            [
              { field: 'precision', title: 'Precision', format: '~%', domain: [0, 1] },
              { field: 'recall', title: 'Recall', format: '~%', domain: [0, 1] },
            ],
            gridCompressions,
            legendFor(
              input.styles,
              recoveryRows.map((r) => String(r.method)),
            ),
            marker,
          ),
          table: {
            id: 'recovery-data',
            caption: 'Data of the recovery figure',
            fields: [
              'method',
              'method_name',
              'sparsity',
              'compression',
              'highlight',
              ...estimateFieldNames('precision'),
              ...estimateFieldNames('recall'),
              'jaccard',
            ],
            rows: recoveryRows,
            columns: [
              methodColumn({ link: false }),
              sparsityColumn,
              estimateColumn('precision', 'Precision (%)', PERCENT),
              estimateColumn('recall', 'Recall (%)', PERCENT),
              numberColumn('jaccard', 'Jaccard (%)', PERCENT),
            ],
            sortedBy: { key: 'method', direction: 'ascending' },
          },
        }),
      );
    }
  }

  if (classification && cells.some((c) => c.ece || c.maxPsi)) {
    const rows: DataRow[] = cells.map((c) => ({ ...base(c), ece: c.ece?.mean ?? null, max_psi: c.maxPsi?.mean ?? null }));
    out.push(
      await page.figure({
        id: 'calibration-figure',
        short: 'Calibration and ψ',
        title: 'Calibration and disparate impact against compression',
        caption: `Expected calibration error and max ψ (the largest excess accuracy drop of one class), mean over seeds.${fadedNote}`,
        spec: panelsSpec(
          rows,
          [
            { field: 'ece', title: 'ECE (lower is better)' },
            { field: 'max_psi', title: 'max ψ (accuracy points)', format: '~%' },
          ],
          gridCompressions,
          legend,
        ),
        table: {
          id: 'calibration-data',
          caption: 'Data of the calibration and disparate-impact figure',
          fields: ['method', 'method_name', 'sparsity', 'compression', 'highlight', 'ece', 'max_psi'],
          rows,
          columns: [
            methodColumn({ link: false }),
            sparsityColumn,
            numberColumn('ece', 'ECE', { digits: 3 }),
            numberColumn('max_psi', 'max ψ (pp)', { digits: 2, scale: 100 }),
          ],
          sortedBy: { key: 'method', direction: 'ascending' },
        },
      }),
    );
  }

  const chosen = classification ? reliabilitySparsity(t) : null;
  if (chosen !== null) {
    const order = t.ranking.map((s) => s.method);
    const rows: DataRow[] = cells
      .filter((c) => c.sparsity === chosen && c.calibrationBins && highlighted.has(c.method))
      .sort((a, b) => order.indexOf(a.method) - order.indexOf(b.method))
      .flatMap((c) =>
        c
          .calibrationBins!.filter((b) => b.count > 0)
          .map((b) => ({
            method: c.method,
            method_name: methodName(input.names, c.method),
            lower: b.lower,
            upper: b.upper,
            count: b.count,
            confidence: b.confidence,
            accuracy: b.accuracy,
          })),
      );
    out.push(
      await page.figure({
        id: 'reliability-figure',
        short: 'Reliability',
        title: `Reliability diagrams at sparsity ${formatSparsity(chosen)}`,
        caption: `Accuracy per non-empty confidence bin (15 equal-width bins of the top-class probability), predictions pooled over seeds, for the ${highlighted.size} best-ranked methods; dashed diagonal: perfect calibration. Bars under the diagonal mean over-confidence.`,
        spec: reliabilitySpec(
          rows,
          legendFor(
            input.styles,
            rows.map((r) => String(r.method)),
          ),
        ),
        table: {
          id: 'reliability-data',
          caption: `Data of the reliability diagrams (sparsity ${formatSparsity(chosen)})`,
          fields: ['method', 'method_name', 'lower', 'upper', 'count', 'confidence', 'accuracy'],
          rows,
          columns: [
            methodColumn({ link: false }),
            {
              key: 'bin',
              label: 'Confidence bin',
              numeric: true,
              text: (r) => `${formatNumber(num(r.lower), 3)}–${formatNumber(num(r.upper), 3)}`,
              sort: (r) => num(r.lower),
            },
            integerColumn('count', 'Count'),
            numberColumn('confidence', 'Mean confidence', { digits: 3 }),
            numberColumn('accuracy', 'Accuracy', { digits: 3 }),
          ],
          sortedBy: { key: 'method', direction: 'ascending' },
        },
      }),
    );
  }
  return out;
}

/** The papers' reported numbers on this task next to ours, from the reproductions whose suite ran it. */
export function paperNumbersTable(t: TaskAggregate, input: SiteInput): TableSpec | null {
  const rows: DataRow[] = input.reproductions
    .filter((r) => r.record.suite.tasks.includes(t.task.id))
    .flatMap(({ record }) =>
      record.claims.map((c) => ({
        paper: record.paper.id,
        paper_label: `${record.paper.authors.split(',')[0].trim().split(' ').pop()}${record.paper.authors.includes(',') ? ' et al.' : ''} ${record.paper.year}`,
        claim: c.id,
        reported: c.reported.text,
        measured: c.measuredText,
        gap: c.gapText,
        verdict: c.verdict,
      })),
    );
  if (rows.length === 0) return null;
  return {
    id: 'paper-numbers',
    caption: "What the papers report, next to what PruneBench measured (at the reproduction's scale)",
    note: "Measured on the paper's own suite (its sparsities and seeds), which can differ from this page's grid; each paper's page says how it was scaled down.",
    fields: ['paper', 'paper_label', 'claim', 'reported', 'measured', 'gap', 'verdict'],
    rows,
    columns: [
      {
        key: 'paper',
        label: 'Paper',
        rowHeader: true,
        text: (r) => String(r.paper_label),
        sort: (r) => String(r.paper),
        href: (r) => reproductionPath(String(r.paper)),
      },
      textColumn('claim', 'Claim'),
      textColumn('reported', 'Reported'),
      textColumn('measured', 'Measured here'),
      textColumn('gap', 'Gap'),
      textColumn('verdict', 'Verdict'),
    ],
    sortedBy: { key: 'paper', direction: 'ascending' },
  };
}

/** Records of the task outside its leaderboard suite's scope: one unscored table, shown collapsed. */
export function offGridTable(t: TaskAggregate, input: SiteInput): TableSpec | null {
  const cells = t.cells.filter((c) => c.n > 0 || c.failed > 0);
  if (cells.length === 0) return null;
  const classification = t.kind !== 'regression';
  const rows: DataRow[] = cells.map((c) => {
    const full = cellRow(c, input);
    return {
      method: full.method,
      method_name: full.method_name,
      control: full.control,
      sparsity: c.sparsity,
      ...estimateFields('accuracy', c.accuracy),
      ...estimateFields('mse', c.mse),
      ...estimateFields('retention', c.retention),
      seeds: c.n,
      seed_list: c.seeds.join(' '),
      failed: c.failed,
    };
  });
  return {
    id: 'off-grid',
    caption: t.task.structure
      ? "Records outside the grid of the track's suite (not scored, not ranked)"
      : 'Records outside the leaderboard grid (not scored, not ranked)',
    note: 'Other suites (quick runs, paper reproductions) or ad-hoc sparsities and seeds. Retention is against the dense reference of the same seed.',
    fields: [
      'method',
      'method_name',
      'control',
      'sparsity',
      ...estimateFieldNames('accuracy'),
      ...estimateFieldNames('mse'),
      ...estimateFieldNames('retention'),
      'seeds',
      'seed_list',
      'failed',
    ],
    rows,
    columns: [
      methodColumn(),
      gridTerm(t) === 'unit ratio'
        ? numberColumn('sparsity', 'Unit ratio', { format: (v) => (v === null ? MISSING : formatSparsity(v)) })
        : numberColumn('sparsity', 'Sparsity', {
            format: (v) => (v === null ? MISSING : `${formatSparsity(v)} (${formatCompression(v)})`),
          }),
      classification ? estimateColumn('accuracy', 'Accuracy (%)', PERCENT) : estimateColumn('mse', 'MSE', { significant: true }),
      estimateColumn('retention', 'Retention (%)', PERCENT),
      textColumn('seed_list', 'Seeds'),
      numberColumn('failed', 'Failed', { digits: 0 }),
    ],
    sortedBy: { key: 'sparsity', direction: 'ascending' },
  };
}

export async function taskPage(t: TaskAggregate, input: SiteInput): Promise<PageView> {
  const page = new PageBuilder(taskPath(t.task));
  const classification = t.kind !== 'regression';
  const dense = denseTable(t);
  const suiteId = input.leaderboardSuite.get(t.task.key);
  const facts: Array<{ label: string; value: string }> = [
    { label: 'Family', value: familyTitle(familyOf(t.task.id, input)) },
    { label: 'Kind', value: t.kind ?? MISSING },
    ...(suiteId ? [{ label: 'Ranked in suite', value: suiteId }] : []),
    {
      label: 'Sparsity grid',
      value: t.grid.length
        ? `${t.grid.map(formatSparsity).join(', ')} (${formatCompression(t.grid[0])}–${formatCompression(t.grid[t.grid.length - 1])})`
        : MISSING,
    },
    { label: 'Seeds', value: formatSeeds(t.seeds) },
    ...scaleFacts(input.taskDefinition(t.task.id)),
    { label: 'Methods', value: String(t.methods.length) },
    { label: 'Runs', value: `${formatInteger(t.records)}${t.failed ? ` (${t.failed} failed)` : ''}` },
  ];
  if (t.dense) {
    facts.push({
      label: classification ? 'Dense accuracy (%)' : 'Dense MSE',
      value: classification ? formatEstimate(t.dense.accuracy, 2, 100) : formatSignificantEstimate(t.dense.mse),
    });
  }
  if (t.planted) {
    facts.push({
      label: 'Planted density',
      value: t.planted.density
        ? `${formatNumber(t.planted.density.mean, 2, 100)}% (sparsity ${formatSparsity(1 - t.planted.density.mean)})`
        : MISSING,
    });
    facts.push({
      label: t.planted.metric === 'accuracy' ? 'Planted ticket accuracy (%)' : 'Planted ticket MSE',
      value:
        t.planted.metric === 'accuracy'
          ? formatEstimate(t.planted.plantedScore, 2, 100)
          : formatSignificantEstimate(t.planted.plantedScore),
    });
  }
  // A task whose grid has only run its dense reference so far has nothing to rank.
  const ranking = t.ranking.length > 0 ? page.table(rankingTable(t, input)) : null;
  const controlsSpec = controlsTable(t, input);
  const controls = controlsSpec ? page.table(controlsSpec) : null;
  const denseView = dense ? page.table(dense) : null;
  const figureViews = await figures(page, t, input);
  // One table per grid sparsity that has any entry; records off the grid are in the collapsed section.
  const sparsities = t.grid
    .filter((sp) => t.cells.some((c) => c.sparsity === sp))
    .map((sp) => ({ sparsity: formatSparsity(sp), table: page.table(sparsityTable(t, sp, input)) }));
  const offGridTask = input.offGrid.get(t.task.key);
  const offGridSpec = offGridTask ? offGridTable(offGridTask, input) : null;
  const offGrid = offGridSpec
    ? { table: page.table(offGridSpec), summary: `${plural(offGridTask!.records, 'record')} outside the leaderboard grid, not scored` }
    : null;
  const otherSuites = input.otherSuites
    .filter((v) => v.aggregate.tasks.some((x) => x.task.key === t.task.key))
    .map((v) => ({ id: v.suite.id, href: `${page.root}${suitePath(v.suite.id)}#${suiteTaskAnchor(t.task)}` }));
  const reproductions = input.reproductions
    .filter((r) => r.record.suite.tasks.includes(t.task.id))
    .map((r) => ({
      label: `${r.record.paper.authors.split(',')[0].trim().split(' ').pop()}${r.record.paper.authors.includes(',') ? ' et al.' : ''} ${r.record.paper.year}`,
      href: page.root + reproductionPath(r.record.paper.id),
      summary: `${r.record.summary.reproduced} of ${r.record.summary.claims} claims reproduced`,
    }));
  const anyRanked = t.ranking.some((s) => s.rank !== null);
  const structuredTracks = input.structured.aggregate.tasks
    .filter((x) => taskKey(x.task) === t.task.key)
    .map((x) => ({ label: x.task.structure, href: page.root + trackPath(x.task) }));
  const paperSpec = paperNumbersTable(t, input);
  const paperNumbers = paperSpec ? page.table(paperSpec) : null;
  const failuresSpec = failuresTable(t, input);
  const failures = failuresSpec ? page.table(failuresSpec) : null;
  const toc = [
    {
      label: 'Tables',
      items: [
        ...(ranking ? [{ href: '#ranking', label: 'Ranking' }] : []),
        ...(controls ? [{ href: '#controls', label: 'Controls' }] : []),
        ...(denseView ? [{ href: '#dense', label: 'Dense reference' }] : []),
        ...(failures ? [{ href: '#failures', label: 'Failed runs' }] : []),
      ],
    },
    { label: 'Figures', items: figureViews.map((f) => ({ href: `#${f.id}`, label: f.short })) },
    { label: 'Per sparsity', items: sparsities.map((s) => ({ href: `#${s.table.id}`, label: s.sparsity })) },
  ].filter((g) => g.items.length > 0);
  const content = {
    taskId: t.task.id,
    version: t.task.version,
    facts,
    toc,
    ranking,
    controls,
    dense: denseView,
    figures: figureViews,
    sparsities,
    offGrid,
    otherSuites,
    reproductions,
    structuredTracks,
    paperNumbers,
    anyRanked,
    failures,
    regression: !classification,
    planted: t.planted !== null,
  };
  return page.page('task', taskTitle(t), `Leaderboard of pruning methods on ${t.task.id} (version ${t.task.version}).`, 'task', content);
}
