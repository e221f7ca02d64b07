import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { planSuite, shardFromEnvironment, shardPlan, type PlanFilters } from '../harness/jobs/plan.ts';
import { parseSetOptions } from '../harness/jobs/hyperparameters.ts';
import type { Progress } from '../harness/run/runner.ts';
import { registeredRunner } from '../harness/run/registered-runner.ts';
import { getSuite, getTask, listTasks } from '../harness/registry/suites.ts';
import { listMethods } from '../harness/registry/methods.ts';
import type { Control } from '../api/task-api.ts';
import { announceIsolation } from '../harness/sandbox/isolation.ts';
import { jobCosts, planRows, renderRunPlan, type MeasuredJob } from '../harness/jobs/run-plan.ts';
import { shapeOfTasks } from '../harness/jobs/task-shape.ts';
import { jobId, type JobSpec } from '../harness/jobs/spec.ts';
import { currentVersions } from '../harness/jobs/versions.ts';
import { jobsReplacingStaleRecords } from '../harness/store/stale.ts';
import { ResultStore } from '../harness/store/store.ts';
import { defaultWorkerCount } from '../harness/run/runner.ts';
import { currentSourceHashes, jobState } from '../harness/run/job-done.ts';
import { fileURLToPath } from 'node:url';
import { backendProblem } from './backend-check.ts';

const committedResultsDir = fileURLToPath(new URL('../results', import.meta.url));

export interface RunCommandOptions extends Omit<PlanFilters, 'hyperparameters'> {
  suite: string;
  /** `method.name=value` hyperparameter overrides (`--set`). */
  set?: string[];
  workers?: number;
  shard?: string;
  results: string;
  cache: string;
  backend?: string;
  retryFailed?: boolean;
  progress?: boolean;
  /** Print what the run would do and its estimated cost, run nothing. */
  plan?: boolean;
  /** With plan: the shard count of the printed cluster commands. */
  shards?: number;
}

/** Measured 2-worker speed-up on a 2-core machine (docs/performance.md), for the plan's wall-time estimates. */
const TWO_WORKER_SPEEDUP = 1.75;

/** The wall times of the finished records of the results folder and of the committed ones: what estimates are made from. */
function measuredJobs(resultsDir: string): MeasuredJob[] {
  const measuredFrom = [resultsDir, ...(resultsDir === committedResultsDir ? [] : [committedResultsDir])];
  return measuredFrom
    .flatMap((dir) => new ResultStore(dir).readAll().records)
    .filter((r) => r.status === 'ok')
    .map((r) => ({ job: r.job, totalSeconds: r.timings.totalSeconds }));
}

function printPlan(opts: RunCommandOptions, jobs: JobSpec[], print: (line: string) => void): void {
  const store = new ResultStore(resolve(opts.results));
  const measured = measuredJobs(resolve(opts.results));
  const currentSourceHash = currentSourceHashes();
  const doneRecordSeconds = (job: JobSpec) => {
    try {
      const record = store.read(job);
      return jobState(job, record, currentSourceHash, opts.retryFailed) === 'done' ? record!.timings.totalSeconds : null;
    } catch {
      return null; // a record that is not its job's: run refuses to start and names it
    }
  };
  const rows = planRows(jobs, doneRecordSeconds, measured, shapeOfTasks(listTasks()));
  const workers = opts.workers ?? defaultWorkerCount();
  for (const line of renderRunPlan(rows, {
    suite: opts.suite,
    shards: opts.shards ?? 8,
    workers,
    workerCounts: [...new Set([1, 2, workers])].sort((a, b) => a - b),
    twoWorkerSpeedup: TWO_WORKER_SPEEDUP,
  }))
    print(line);
}

function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '?';
  if (seconds < 90) return `${Math.round(seconds)}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

export async function runCommand(
  opts: RunCommandOptions,
  log: (line: string) => void = console.error,
  print: (line: string) => void = console.log,
): Promise<number> {
  const backend = backendProblem(opts.backend);
  if (backend) {
    log(`prunebench run: ${backend}`);
    return 2;
  }
  const suite = getSuite(opts.suite);
  if (!opts.plan && !announceIsolation(log)) return 2;
  const plan = planSuite(
    suite,
    { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) },
    { ...opts, hyperparameters: parseSetOptions(opts.set ?? []) },
  );
  for (const s of plan.skipped) log(`skipping task ${s.task}: ${s.reason}`);
  if (plan.addedMethods.length) log(`running ${plan.addedMethods.join(', ')} on suite ${suite.id}'s grid (not listed by the suite)`);
  const shard = shardFromEnvironment(opts.shard);
  const sharded = shardPlan(plan, shard);
  log(
    `suite ${suite.id} v${suite.version}: ${sharded.sparse.length} pruning jobs, ${sharded.dense.length} dense references${shard ? ` (shard ${shard.index}/${shard.count})` : ''}`,
  );
  if (opts.plan) {
    printPlan(opts, [...sharded.dense.filter((d) => sharded.ownedDense.has(jobId(d))), ...sharded.sparse], print);
    return 0;
  }

  const replacing = jobsReplacingStaleRecords(resolve(opts.results), [...sharded.dense, ...sharded.sparse]);
  if (replacing.length) {
    const { protocol, engine } = currentVersions();
    log(
      `${replacing.length} of these jobs have records made under an older protocol or engine version (stale): they run again under protocol ${protocol}, engine ${engine}, and the stale records stay`,
    );
  }

  const useBar = opts.progress ?? Boolean(process.stderr.isTTY);
  const bar = useBar
    ? new cliProgress.SingleBar(
        {
          format: '{bar} {value}/{total} done, {failed} failed, {remaining} left, ETA {eta_text} | {current}',
          stream: process.stderr,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let lastLogged = -1;
  const onProgress = (p: Progress) => {
    const payload = { failed: p.failed, remaining: p.remaining, eta_text: formatEta(p.etaSeconds), current: p.current ?? '' };
    if (bar) {
      if (lastLogged < 0) bar.start(p.total, p.done + p.skipped, payload);
      else bar.update(p.done + p.failed + p.skipped, payload);
      lastLogged = 0;
    } else if (p.done + p.failed !== lastLogged) {
      lastLogged = p.done + p.failed;
      log(
        `[${p.done + p.failed + p.skipped}/${p.total}] ${p.failed} failed, ${p.remaining} left, ETA ${formatEta(p.etaSeconds)}${p.current ? ` | finished ${p.current}` : ''}`,
      );
    }
  };
  const runner = await registeredRunner({
    plan: sharded,
    resultsDir: resolve(opts.results),
    cacheDir: resolve(opts.cache),
    workers: opts.workers,
    backend: opts.backend,
    retryFailed: opts.retryFailed,
    onProgress,
    onMessage: (line) => (bar ? undefined : log(line)),
    costOf: jobCosts(
      planRows([...sharded.dense, ...sharded.sparse], () => null, measuredJobs(resolve(opts.results)), shapeOfTasks(listTasks())),
    ),
  });
  const onSignal = () => {
    log('\ninterrupted: stopping workers; finished records are kept, rerun to resume');
    runner.stop();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const summary = await runner.run();
    bar?.stop();
    log(
      `finished: ${summary.ran} ran, ${summary.failed} failed, ${summary.skipped} already done${summary.interruptedJobs ? `, ${summary.interruptedJobs} interrupted (they run on the next run)` : ''}`,
    );
    for (const f of summary.failures) log(`  failed: ${f.job}: ${f.reason}`);
    if (summary.interrupted) return 130;
    return summary.failed > 0 ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

export function parseControls(value: string): Control[] {
  if (value === 'none') return [];
  const items = value.split(',').map((s) => s.trim());
  for (const c of items)
    if (!['shuffled', 'reinit', 'inverted'].includes(c))
      throw new Error(`--controls: unknown control '${c}' (shuffled, reinit, inverted, or none)`);
  return items as Control[];
}
