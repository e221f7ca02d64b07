/**
 * Re-runs records with the same runner and workers as `run`, into a scratch results directory, and
 * compares every metric with the record (compare.ts). Dense references are retrained too: nothing
 * recorded is trusted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ShardPlan } from '../jobs/plan.ts';
import { denseSpecFor, describeJob, type JobSpec, jobId } from '../jobs/spec.ts';
import { registeredRunner } from '../run/registered-runner.ts';
import type { RunRecord } from '../store/run-record.ts';
import { ResultStore } from '../store/store.ts';
import { type ComparisonRow, compareRecords, sameBackend } from './compare.ts';

export interface VerifyRunOptions {
  /** The results directory the records come from (their dense references are compared when there). */
  resultsDir: string;
  tolerance: number;
  workers?: number;
  backend?: string;
  onMessage: (line: string) => void;
}

export interface Verification {
  /** The run was interrupted (SIGINT): nothing was compared. */
  interrupted: boolean;
  rows: ComparisonRow[];
  /** "recorded backend → re-measured backend (exact | tolerance t)", once each. */
  backends: string[];
  /** How many records were compared (the sample and the dense references recorded for it). */
  compared: number;
}

/** The sample's jobs and, once each, the dense references they were pruned from. */
function planOf(sample: readonly RunRecord[]): ShardPlan {
  const sparse: JobSpec[] = sample.filter((r) => r.job.method).map((r) => r.job);
  const denseById = new Map<string, JobSpec>();
  for (const r of sample) {
    const d = r.job.method ? denseSpecFor(r.job) : r.job;
    denseById.set(jobId(d), d);
  }
  const dense = [...denseById.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
  return { dense, sparse, skipped: [], addedMethods: [], ownedDense: new Set(denseById.keys()) };
}

export async function verifyRecords(sample: readonly RunRecord[], opts: VerifyRunOptions): Promise<Verification> {
  const plan = planOf(sample);
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
        if (p.done + p.failed > 0) opts.onMessage(`[${p.done + p.failed}/${p.total}] jobs re-run`);
      },
      onMessage: opts.onMessage,
    });
    const summary = await runner.run();
    if (summary.interrupted) return { interrupted: true, rows: [], backends: [], compared: 0 };

    const remade = new ResultStore(remadeDir);
    const recordedStore = new ResultStore(resolve(opts.resultsDir));
    const toCompare = [...sample];
    // The retrained dense references are checked as well when their records are in the results directory.
    for (const d of plan.dense) {
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
    return { interrupted: false, rows, backends: [...backends], compared: toCompare.length };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
