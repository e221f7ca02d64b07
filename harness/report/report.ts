import type { Aggregate, Cell, MethodScore, TaskAggregate } from '../aggregate/aggregate.ts';
import { halfWidth, type Estimate } from '../aggregate/stats.ts';
import { formatNumber, formatSignificant, formatSparsity } from './format.ts';

export type ReportFormat = 'table' | 'markdown' | 'csv' | 'json';

export interface ReportRow {
  task: string;
  method: string;
  control: string;
  sparsity: number;
  seeds: number;
  failed: number;
  metric: 'accuracy' | 'mse';
  value: number | null;
  valueHalfWidth: number | null;
  retention: number | null;
  ece: number | null;
  maxPsi: number | null;
  worstGroupAccuracy: number | null;
  recoveryPrecision: number | null;
  recoveryRecall: number | null;
  strongTicketScore: number | null;
  unitRecoveryPrecision: number | null;
  unitRecoveryRecall: number | null;
  macs: number | null;
  speedup: number | null;
}

const columns: Array<{ key: keyof ReportRow; title: string }> = [
  { key: 'task', title: 'task' },
  { key: 'method', title: 'method' },
  { key: 'control', title: 'control' },
  { key: 'sparsity', title: 'sparsity' },
  { key: 'seeds', title: 'seeds' },
  { key: 'failed', title: 'failed' },
  { key: 'metric', title: 'metric' },
  { key: 'value', title: 'mean' },
  { key: 'valueHalfWidth', title: '±95%' },
  { key: 'retention', title: 'retention' },
  { key: 'ece', title: 'ECE' },
  { key: 'maxPsi', title: 'max ψ' },
  { key: 'worstGroupAccuracy', title: 'worst group' },
  { key: 'recoveryPrecision', title: 'recovery P' },
  { key: 'recoveryRecall', title: 'recovery R' },
  { key: 'strongTicketScore', title: 'strong ticket' },
  { key: 'unitRecoveryPrecision', title: 'unit recovery P' },
  { key: 'unitRecoveryRecall', title: 'unit recovery R' },
  { key: 'macs', title: 'MACs' },
  { key: 'speedup', title: 'speed-up' },
];

/** Columns of the structured track: the text tables show them only for tasks where a cell has a value. */
const structuredColumns = new Set<keyof ReportRow>(['unitRecoveryPrecision', 'unitRecoveryRecall', 'macs', 'speedup']);

const m = (e: Estimate | null | undefined): number | null => e?.mean ?? null;

function rowOf(task: TaskAggregate, cell: Cell): ReportRow {
  const regression = task.kind === 'regression';
  const value = regression ? cell.mse : cell.accuracy;
  return {
    task: task.task.id,
    method: cell.method,
    control: cell.control ?? '',
    sparsity: cell.sparsity,
    seeds: cell.n,
    failed: cell.failed,
    metric: regression ? 'mse' : 'accuracy',
    value: m(value),
    valueHalfWidth: halfWidth(value),
    retention: m(cell.retention),
    ece: m(cell.ece),
    maxPsi: m(cell.maxPsi),
    worstGroupAccuracy: m(cell.worstGroupAccuracy),
    recoveryPrecision: m(cell.recovery?.precision),
    recoveryRecall: m(cell.recovery?.recall),
    strongTicketScore: m(cell.strongTicketScore),
    unitRecoveryPrecision: m(cell.unitRecovery?.precision),
    unitRecoveryRecall: m(cell.unitRecovery?.recall),
    macs: m(cell.macs),
    speedup: m(cell.speedup),
  };
}

export function reportRows(agg: Aggregate): ReportRow[] {
  return agg.tasks.flatMap((t) => t.cells.map((c) => rowOf(t, c)));
}

/**
 * One unit convention with the site (site/format.ts): accuracies, retention, worst-group accuracy,
 * recovery and classification ticket scores in %, 2 decimals; max ψ in percentage points; ECE as
 * a fraction, 3 decimals; MSE with 3 significant digits; sparsities as "98%".
 */
type Unit = 'percent' | 'pp' | 'fraction' | 'significant' | 'integer' | 'sparsity' | 'times' | 'text';

const units: Partial<Record<keyof ReportRow, Unit>> = {
  sparsity: 'sparsity',
  seeds: 'integer',
  failed: 'integer',
  retention: 'percent',
  ece: 'fraction',
  maxPsi: 'pp',
  worstGroupAccuracy: 'percent',
  recoveryPrecision: 'percent',
  recoveryRecall: 'percent',
  unitRecoveryPrecision: 'percent',
  unitRecoveryRecall: 'percent',
  macs: 'integer',
  speedup: 'times',
};

function formatValue(v: unknown, unit: Unit): string {
  if (v === null || v === undefined || v === '') return '';
  if (typeof v !== 'number') return String(v);
  switch (unit) {
    case 'percent':
      return formatNumber(v, 2, 100);
    case 'pp':
      return formatNumber(v, 2, 100);
    case 'fraction':
      return formatNumber(v, 3);
    case 'significant':
      return formatSignificant(v);
    case 'integer':
      return String(Math.round(v));
    case 'sparsity':
      return formatSparsity(v);
    case 'times':
      return `${formatNumber(v, 2)}×`;
    default:
      return String(v);
  }
}

/** Units of a task's main metric: accuracy in %, MSE with significant digits. */
function metricUnit(task: TaskAggregate): Unit {
  return task.kind === 'regression' ? 'significant' : 'percent';
}

function cellText(task: TaskAggregate, row: ReportRow, key: keyof ReportRow): string {
  if (key === 'value' || key === 'valueHalfWidth' || key === 'strongTicketScore') {
    if (key === 'valueHalfWidth' && row.value !== null && row.valueHalfWidth === null) return 'n/a';
    return formatValue(row[key], metricUnit(task));
  }
  return formatValue(row[key], units[key] ?? 'text');
}

function plural(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

function scoreText(s: MethodScore, failed: number[]): { score: string; half: string; note: string } {
  if (s.complete && s.score) {
    const half = halfWidth(s.score);
    return {
      score: formatNumber(s.score.mean, 2, 100),
      half: half === null ? 'n/a' : formatNumber(half, 2, 100),
      note: s.incompleteSeeds.length ? `+${plural(s.incompleteSeeds.length, 'partial seed')} left out` : '',
    };
  }
  const partial =
    s.partialScore === null
      ? ''
      : `partial ${formatNumber(s.partialScore, 2, 100)} over ${s.coveredSparsities.length} of ${s.grid.length} sparsities; `;
  const notRun = s.missingSparsities.filter((sparsity) => !failed.includes(sparsity));
  const gaps = [
    failed.length ? `failed at ${failed.map(formatSparsity).join(', ')}` : '',
    notRun.length ? `missing ${notRun.map(formatSparsity).join(', ')}` : '',
  ].filter(Boolean);
  return { score: '', half: '', note: `incomplete, not ranked: ${partial}${gaps.join('; ')}` };
}

function rankingLines(task: TaskAggregate): string[][] {
  const row = (s: MethodScore) => {
    const cells = task.cells.filter((c) => c.method === s.method && c.control === s.control);
    // Grid sparsities with no result where a run failed; the other missing ones were never run.
    const failedAt = s.missingSparsities.filter((sparsity) => cells.some((c) => c.sparsity === sparsity && c.failed > 0));
    const { score, half, note } = scoreText(s, failedAt);
    const failedRuns = cells.reduce((n, c) => n + c.failed, 0);
    const failures = failedRuns && s.complete ? plural(failedRuns, 'failed run') : '';
    const versions = new Set(cells.flatMap((c) => c.methodVersions));
    const mixed = versions.size > 1 ? `records of ${versions.size} method versions (${[...versions].sort().join(', ')})` : '';
    return [
      s.rankLabel,
      s.control ? `${s.method} + ${s.control}` : s.method,
      score,
      half,
      String(s.seedScores.length),
      [note, failures, mixed].filter(Boolean).join('; '),
    ];
  };
  return [...task.ranking.map(row), ...task.controls.map(row)];
}

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** What the columns and marks mean, printed under the tables. */
export const REPORT_LEGEND = [
  "score: mean accuracy retention over the suite's sparsity grid (sparse / dense accuracy; regression: dense / sparse MSE), in %, per seed, then mean ± half-width of the 95% Student-t interval over seeds (n/a: one seed, no interval).",
  'rank: =1 means tied with the leader (95% intervals overlap, for every method from the leader down to it); with one seed no interval exists, no tie is claimed and ranks are the order of point estimates; — means incomplete (not ranked).',
  "unit recovery P/R: the hidden units kept against the planted ticket's units (neuron jobs on planted tasks), in %; MACs: multiply–adds per sample of the network as it runs (compacted for neuron/filter jobs, non-zero weights otherwise); speed-up: measured throughput of the compacted network over the dense one (process CPU time). These columns appear only for tasks with such records.",
  'accuracy, retention, worst group (lowest per-class accuracy), recovery P/R (precision / recall of the kept weights against the planted ticket) in %; ECE: expected calibration error, 15 bins; max ψ: the largest excess accuracy drop of one class versus the whole test set, in percentage points; strong ticket: the mask on the untrained initial weights (planted tasks).',
];

export function renderReport(agg: Aggregate, format: ReportFormat): string {
  const rows = reportRows(agg);
  if (format === 'json')
    return JSON.stringify(
      { rows, ranking: agg.tasks.map((t) => ({ task: t.task.id, version: t.task.version, ranking: t.ranking, controls: t.controls })) },
      null,
      2,
    );
  if (format === 'csv') {
    return [
      columns.map((c) => c.key).join(','),
      ...rows.map((r) => columns.map((c) => csvCell(r[c.key] === null ? '' : String(r[c.key]))).join(',')),
    ].join('\n');
  }
  const out: string[] = [];
  for (const task of agg.tasks) {
    const dense = task.dense;
    const denseValue = task.kind === 'regression' ? dense?.mse : dense?.accuracy;
    const unit = metricUnit(task);
    const denseHalf = halfWidth(denseValue ?? null);
    const denseText = denseValue
      ? `${formatValue(denseValue.mean, unit)}${unit === 'percent' ? '%' : ''} ± ${denseHalf === null ? 'n/a' : formatValue(denseHalf, unit)}`
      : 'none';
    const planted = task.planted
      ? `; planted ticket density ${formatNumber(task.planted.density?.mean, 2, 100)}%, its ${task.kind === 'regression' ? 'MSE' : 'accuracy'} ${formatValue(task.planted.plantedScore?.mean, unit)}`
      : '';
    const structure = task.task.structure
      ? ` [${task.task.structure}${task.task.structure === 'neuron' || task.task.structure === 'filter' ? ': sparsity = fraction of units removed' : ''}]`
      : '';
    const older = task.olderVersionRecords
      ? `; ${plural(task.olderVersionRecords, 'record')} of an older protocol or engine left out (stale: rerun them)`
      : '';
    const header = `${task.task.id} v${task.task.version}${structure} — dense ${task.kind === 'regression' ? 'MSE' : 'accuracy'} ${denseText} (${plural(dense?.n ?? 0, 'seed')}); grid ${task.grid.map(formatSparsity).join(', ')}${planted}${older}`;
    if (task.cells.length === 0) {
      const none = 'No pruning record on this grid yet: only the dense reference has run.';
      out.push(...(format === 'markdown' ? [`## ${header}`, '', none, ''] : [header, '', none, '']));
      continue;
    }
    const ranking = [['rank', 'method', 'score (%)', '±95%', 'seeds', 'note'], ...rankingLines(task)];
    const taskRows = task.cells.map((c) => rowOf(task, c));
    const shown = columns.filter((c) => !structuredColumns.has(c.key) || taskRows.some((r) => r[c.key] !== null));
    const titles = shown.map((c) =>
      c.key === 'value'
        ? task.kind === 'regression'
          ? 'MSE'
          : 'accuracy (%)'
        : c.key === 'maxPsi'
          ? 'max ψ (pp)'
          : units[c.key] === 'percent'
            ? `${c.title} (%)`
            : c.title,
    );
    const cellRows = [titles, ...taskRows.map((r) => shown.map((c) => cellText(task, r, c.key)))];
    if (format === 'markdown') out.push(`## ${header}`, '', markdownTable(ranking), '', markdownTable(cellRows), '');
    else out.push(header, '', pad(ranking), '', pad(cellRows), '');
  }
  if (!agg.tasks.length) out.push('no records');
  else out.push(...REPORT_LEGEND.map((line) => (format === 'markdown' ? `- ${line}` : line)));
  return out.join('\n');
}
