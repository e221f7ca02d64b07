/**
 * `prunebench verify`: re-runs a seeded sample of recorded jobs into a temporary results directory
 * with the same runner and workers as `run`, and compares every metric with the record.
 *
 * Same backend (name and tfjs version) as the record: the metrics must be identical, bit for bit
 * (docs/protocol.md, Seeds: a job is deterministic on one backend). Another backend: each number must satisfy
 * |recorded − re-measured| ≤ tolerance · max(1, |recorded|, |re-measured|) — relative above 1
 * (counts, FLOPs), absolute below (accuracy, ECE, ψ). The default 1e-5 leaves about 100× headroom
 * over what the smoke suite measured between the cpu and wasm backends (at most 1e-7).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { denseSpecFor, describeJob, jobId, type JobSpec } from '../harness/jobs/spec.ts';
import { staleVersionReason } from '../harness/jobs/versions.ts';
import type { ShardPlan } from '../harness/jobs/plan.ts';
import { Rng } from '../engine/rng.ts';
import { ResultStore, readRecordFile } from '../harness/store/store.ts';
import { announceIsolation } from '../harness/sandbox/isolation.ts';
import type { RunRecord } from '../harness/store/record.ts';
import { registeredRunner } from '../harness/run/registered-runner.ts';
import { getTask } from '../harness/registry/suites.ts';
import { getMethod } from '../harness/registry/methods.ts';
import { backendProblem } from './backend-check.ts';

export const DEFAULT_TOLERANCE = 1e-5;

export interface VerifyOptions {
  /** Record files to re-run; when empty, a seeded sample of the results directory. */
  records?: string[];
  sample: number;
  seed: number;
  results: string;
  tolerance: number;
  workers?: number;
  backend?: string;
}

export interface ComparisonRow {
  job: string;
  metric: string;
  recorded: unknown;
  remeasured: unknown;
  /** re-measured − recorded, for numbers. */
  difference: number | null;
  /** 'identical', 'within tolerance', or 'MISMATCH'. */
  verdict: 'identical' | 'within tolerance' | 'MISMATCH';
}

export function parseSeed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`--seed must be an integer from 0 to 2^32 − 1, got '${value}'`);
  return n;
}

export function parseTolerance(value: string): number {
  const x = Number(value);
  if (!Number.isFinite(x) || x < 0 || value.trim() === '') throw new Error(`--tolerance must be a non-negative number, got '${value}'`);
  return x;
}

/** The records `verify` picks: `count` of them, a seeded shuffle of the candidates in id order. */
export function sampleRecords<T extends { id: string }>(candidates: T[], count: number, seed: number): T[] {
  const sorted = [...candidates].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return new Rng(seed).fork('verify').shuffle(sorted).slice(0, count);
}

/** Why a record cannot be re-run by this checkout, or null when it can. */
export function whyNotVerifiable(record: RunRecord): string | null {
  if (record.status !== 'ok') return 'not an ok record';
  // The current code computes protocol- and engine-current numbers only.
  const staleVersion = staleVersionReason(record.job);
  if (staleVersion) return `stale: ${staleVersion}`;
  let task;
  try {
    task = getTask(record.job.task.id);
  } catch {
    return `task '${record.job.task.id}' is not registered`;
  }
  if (task.version !== record.job.task.version)
    return `task '${task.id}' is at version ${task.version}, the record at ${record.job.task.version}`;
  const unavailable = task.unavailableReason();
  if (unavailable) return `task '${task.id}' cannot run here: ${unavailable}`;
  if (record.job.method) {
    let method;
    try {
      method = getMethod(record.job.method.id);
    } catch {
      return `method '${record.job.method.id}' is not registered`;
    }
    if (method.manifest.version !== record.job.method.version || method.sourceHash !== record.provenance.methodSourceHash) {
      return `method '${method.manifest.id}' changed since the record was made (stale: rerun it)`;
    }
  }
  return null;
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
 * bit for bit, and is not compared; nor is `metrics.inference` or `planted.unitRecovery` of a record made before it existed. Exact equality on the same backend, the tolerance rule (module comment) otherwise.
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

export function formatTable(rows: ComparisonRow[]): string[] {
  const header = ['job', 'metric', 'recorded', 're-measured', 'difference', 'verdict'];
  const cells = rows.map((r) => [
    r.job,
    r.metric,
    show(r.recorded),
    show(r.remeasured),
    r.difference === null ? '' : r.difference === 0 ? '0' : r.difference.toPrecision(3),
    r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)];
}

/** The named record files, each ok and re-runnable here; an exit code when any is not. */
function namedRecords(files: string[], log: (line: string) => void): RunRecord[] | number {
  const records: RunRecord[] = [];
  let problems = 0;
  for (const file of files) {
    let record: RunRecord;
    try {
      record = readRecordFile(file);
    } catch (e) {
      log(`error: ${(e as Error).message}`);
      problems++;
      continue;
    }
    const why = record.status !== 'ok' ? `its status is '${record.status}'` : whyNotVerifiable(record);
    if (why) {
      log(`error: ${file}: cannot be re-run: ${why}`);
      problems++;
    } else records.push(record);
  }
  if (problems > 0) return 1;
  log(`verify: re-running ${records.length} named record${records.length === 1 ? '' : 's'}`);
  return records;
}

/** A seeded sample of the re-runnable ok records in the results directory; an exit code when there is none. */
function sampleOfResults(
  resultsDir: string,
  opts: VerifyOptions,
  print: (line: string) => void,
  log: (line: string) => void,
): RunRecord[] | number {
  const { records, errors } = new ResultStore(resultsDir).readAll();
  for (const e of errors) log(`skipping an invalid record file: ${e.message}`);
  const ok = records.filter((r) => r.status === 'ok');
  const notVerifiable = new Map<string, number>();
  const candidates = ok.filter((r) => {
    const why = whyNotVerifiable(r);
    if (why) notVerifiable.set(why, (notVerifiable.get(why) ?? 0) + 1);
    return why === null;
  });
  for (const [why, n] of notVerifiable) log(`not re-runnable here (${n} records): ${why}`);
  if (candidates.length === 0) {
    print(`verify: no ok record in ${resultsDir} can be re-run here; nothing to verify`);
    return ok.length === 0 ? 0 : 1;
  }
  const sample = sampleRecords(candidates, opts.sample, opts.seed);
  log(`verify: re-running ${sample.length} of ${candidates.length} re-runnable ok records (seed ${opts.seed})`);
  return sample;
}

export async function verifyCommand(
  opts: VerifyOptions,
  print: (line: string) => void = console.log,
  log: (line: string) => void = console.error,
): Promise<number> {
  const backend = backendProblem(opts.backend);
  if (backend) {
    log(`prunebench verify: ${backend}`);
    return 2;
  }
  const resultsDir = resolve(opts.results);
  if (!announceIsolation(log)) return 2;
  const sample = opts.records && opts.records.length > 0 ? namedRecords(opts.records, log) : sampleOfResults(resultsDir, opts, print, log);
  if (typeof sample === 'number') return sample;

  const sparse: JobSpec[] = sample.filter((r) => r.job.method).map((r) => r.job);
  const denseById = new Map<string, JobSpec>();
  for (const r of sample) {
    const d = r.job.method ? denseSpecFor(r.job) : r.job;
    denseById.set(jobId(d), d);
  }
  const dense = [...denseById.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
  const plan: ShardPlan = { dense, sparse, skipped: [], addedMethods: [], ownedDense: new Set(denseById.keys()) };

  // Dense references are retrained too (own results and checkpoint directories): nothing recorded is trusted.
  const scratch = mkdtempSync(join(tmpdir(), 'prunebench-verify-'));
  try {
    const remadeDir = join(scratch, 'results');
    const runner = await registeredRunner({
      plan,
      resultsDir: remadeDir,
      cacheDir: join(scratch, 'checkpoints'),
      workers: opts.workers,
      backend: opts.backend,
      onProgress: (p) => {
        if (p.done + p.failed > 0) log(`[${p.done + p.failed}/${p.total}] jobs re-run`);
      },
      onMessage: log,
    });
    const summary = await runner.run();
    if (summary.interrupted) return 130;

    const remade = new ResultStore(remadeDir);
    const recordedStore = new ResultStore(resultsDir);
    const toCompare = [...sample];
    // The retrained dense references are checked as well when their records are in the results directory.
    for (const d of dense) {
      const recorded = recordedStore.read(d);
      if (recorded && recorded.status === 'ok' && !toCompare.some((r) => r.id === recorded.id)) toCompare.push(recorded);
    }
    const rows: ComparisonRow[] = [];
    const backends = new Set<string>();
    for (const recorded of toCompare) {
      const again = remade.read(recorded.job);
      if (!again) {
        rows.push({
          job: describeJob(recorded.job),
          metric: 'record',
          recorded: 'present',
          remeasured: undefined,
          difference: null,
          verdict: 'MISMATCH',
        });
        continue;
      }
      backends.add(
        `${recorded.environment.backend} → ${again.environment.backend}${sameBackend(recorded, again) ? ' (exact)' : ` (tolerance ${opts.tolerance})`}`,
      );
      rows.push(...compareRecords(recorded, again, opts.tolerance));
    }
    for (const line of formatTable(rows)) print(line);
    const mismatches = rows.filter((r) => r.verdict === 'MISMATCH');
    const jobs = new Set(mismatches.map((r) => r.job));
    print('');
    print(`backend: ${[...backends].join(', ')}`);
    if (mismatches.length) {
      print(`verify: ${mismatches.length} mismatches in ${jobs.size} of ${toCompare.length} records`);
      return 1;
    }
    print(
      `verify: ${toCompare.length} records re-measured, every metric ${[...backends].every((b) => b.endsWith('(exact)')) ? 'identical' : 'within tolerance'}`,
    );
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
