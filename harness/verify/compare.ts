/**
 * A record against its re-measurement. Same backend (name and tfjs version) as the record: the
 * metrics must be identical, bit for bit (docs/protocol.md, Seeds: a job is deterministic on one
 * backend). Another backend: each number must satisfy
 * |recorded − re-measured| ≤ tolerance · max(1, |recorded|, |re-measured|) — relative above 1
 * (counts, FLOPs), absolute below (accuracy, ECE, ψ). The default 1e-5 leaves about 100× headroom
 * over what the smoke suite measured between the cpu and wasm backends (at most 1e-7).
 */
import { describeJob } from '../jobs/spec.ts';
import type { RunRecord } from '../store/run-record.ts';

export const DEFAULT_TOLERANCE = 1e-5;

export interface ComparisonRow {
  job: string;
  metric: string;
  recorded: unknown;
  remeasured: unknown;
  /** re-measured − recorded, for numbers. */
  difference: number | null;
  verdict: 'identical' | 'within tolerance' | 'MISMATCH';
}

/** The numbers a record reports: its status, metrics, dense summary and planted metrics, as path → value. */
function leaves(record: RunRecord): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (value: unknown, path: string) => {
    if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
      if (entries.length === 0) out.set(path, Array.isArray(value) ? '[]' : '{}');
      for (const [k, v] of entries) walk(v, `${path}.${k}`);
    } else {
      out.set(path, value);
    }
  };
  out.set('status', record.status);
  walk(record.metrics, 'metrics');
  walk(record.dense, 'dense');
  walk(record.planted, 'planted');
  return out;
}

const HEADLINE = [
  'status',
  'metrics.accuracy',
  'metrics.mse',
  'metrics.loss',
  'metrics.calibration.ece',
  'metrics.sparsity.global',
  'planted.recovery.jaccard',
];

export function sameBackend(a: RunRecord, b: RunRecord): boolean {
  return a.environment.backend === b.environment.backend && a.environment.tfjs === b.environment.tfjs;
}

/**
 * Rows comparing a record with its re-measurement: every headline metric, plus every other value
 * that differs. Measured throughput (`metrics.inference.throughput`) is timing, never reproducible
 * bit for bit, and is not compared; nor is `metrics.inference` or `planted.unitRecovery` of a record made before it existed.
 * Exact equality on the same backend, the tolerance rule (module comment) otherwise.
 */
export function compareRecords(recorded: RunRecord, remeasured: RunRecord, tolerance: number): ComparisonRow[] {
  const exact = sameBackend(recorded, remeasured);
  const job = describeJob(recorded.job);
  const before = leaves(recorded);
  const after = leaves(remeasured);
  const rows: ComparisonRow[] = [];
  const compared = (metric: string) =>
    !metric.startsWith('metrics.inference.throughput.') &&
    (recorded.metrics?.inference !== undefined || !metric.startsWith('metrics.inference.')) &&
    (recorded.planted?.unitRecovery !== undefined || !metric.startsWith('planted.unitRecovery.'));
  for (const metric of [...new Set([...before.keys(), ...after.keys()])].filter(compared)) {
    const a = before.get(metric);
    const b = after.get(metric);
    let verdict: ComparisonRow['verdict'];
    let difference: number | null = null;
    if (typeof a === 'number' && typeof b === 'number') {
      difference = b - a;
      if (Object.is(a, b) || a === b) verdict = 'identical';
      else if (!exact && Math.abs(difference) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b))) verdict = 'within tolerance';
      else verdict = 'MISMATCH';
    } else {
      verdict = a === b ? 'identical' : 'MISMATCH';
    }
    if (verdict === 'MISMATCH' || (HEADLINE.includes(metric) && a !== null && a !== undefined)) {
      rows.push({ job, metric, recorded: a, remeasured: b, difference, verdict });
    }
  }
  if (remeasured.status === 'failed') {
    rows.push({
      job,
      metric: 'failure',
      recorded: null,
      remeasured: `${remeasured.failure?.stage}: ${remeasured.failure?.reason}`,
      difference: null,
      verdict: 'MISMATCH',
    });
  }
  return rows;
}

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** The rows as an aligned text table, header and rule first. */
export function comparisonTable(rows: readonly ComparisonRow[]): string[] {
  const header = ['job', 'metric', 'recorded', 're-measured', 'difference', 'verdict'];
  const cells = rows.map((r) => [
    r.job,
    r.metric,
    show(r.recorded),
    show(r.remeasured),
    r.difference === null ? '' : r.difference === 0 ? '0' : r.difference.toPrecision(3),
    r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}
