import type { Aggregate, Cell, MethodScore, TaskAggregate } from '../aggregate/aggregate.ts';
import { halfWidth, type Estimate } from '../aggregate/stats.ts';

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
];

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
  };
}

export function reportRows(agg: Aggregate): ReportRow[] {
  return agg.tasks.flatMap((t) => t.cells.map((c) => rowOf(t, c)));
}

function formatNumber(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e5)) return v.toExponential(2);
  return v.toFixed(4);
}

function rankingLines(task: TaskAggregate): string[][] {
  const row = (s: MethodScore) => [s.rankLabel, s.control ? `${s.method} + ${s.control}` : s.method, formatNumber(s.score?.mean ?? s.partialScore), formatNumber(halfWidth(s.score)), String(s.seedScores.length), s.complete ? '' : `missing ${s.missingSparsities.join(', ')}`];
  return [...task.ranking.map(row), ...task.controls.map(row)];
}

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function renderReport(agg: Aggregate, format: ReportFormat): string {
  const rows = reportRows(agg);
  if (format === 'json') return JSON.stringify({ rows, ranking: agg.tasks.map((t) => ({ task: t.task.id, version: t.task.version, ranking: t.ranking, controls: t.controls })) }, null, 2);
  if (format === 'csv') {
    return [columns.map((c) => c.key).join(','), ...rows.map((r) => columns.map((c) => csvCell(r[c.key] === null ? '' : String(r[c.key]))).join(','))].join('\n');
  }
  const out: string[] = [];
  for (const task of agg.tasks) {
    const dense = task.dense;
    const denseValue = task.kind === 'regression' ? dense?.mse : dense?.accuracy;
    const header = `${task.task.id} v${task.task.version} — dense ${task.kind === 'regression' ? 'MSE' : 'accuracy'} ${formatNumber(denseValue?.mean)} ± ${formatNumber(halfWidth(denseValue ?? null)) || 'n/a'} (${dense?.n ?? 0} seeds)${task.planted ? `; planted ticket density ${formatNumber(task.planted.density?.mean)}, score ${formatNumber(task.planted.plantedScore?.mean)}` : ''}`;
    const ranking = [['rank', 'method', 'score (mean retention)', '±95%', 'seeds', 'note'], ...rankingLines(task)];
    const cellRows = [columns.map((c) => c.title), ...task.cells.map((c) => rowOf(task, c)).map((r) => columns.map((c) => formatNumber(r[c.key])))];
    if (format === 'markdown') out.push(`## ${header}`, '', markdownTable(ranking), '', markdownTable(cellRows), '');
    else out.push(header, '', pad(ranking), '', pad(cellRows), '');
  }
  if (!agg.tasks.length) out.push('no records');
  return out.join('\n');
}
