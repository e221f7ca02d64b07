/**
 * `run --plan`: what a run would do, without running anything — the jobs per task and method, how
 * many are done, the compute left (estimated from the measured wall times of existing records),
 * and the commands that split the run into shards on a cluster or a CI matrix.
 */
import type { JobSpec } from './spec.ts';

/** A finished job's measured cost: what an estimate is made from. */
export interface MeasuredJob {
  job: JobSpec;
  totalSeconds: number;
}

export interface PlanRow {
  task: string;
  /** Method id (with +control), or 'dense' for the references. */
  method: string;
  jobs: number;
  done: number;
  /** Estimated seconds of one more job, or null with no measurement of this task. */
  secondsPerJob: number | null;
  /** Where the estimate comes from: this task and method, or the task's other jobs. */
  basis: 'measured' | 'task median' | 'none';
}

function methodKey(job: JobSpec): string {
  return job.method ? `${job.method.id}${job.control ? `+${job.control}` : ''}` : 'dense';
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rows per (task, method) in plan order, with done counts and per-job estimates. */
export function planRows(jobs: JobSpec[], isDone: (job: JobSpec) => boolean, measured: MeasuredJob[]): PlanRow[] {
  const byTaskMethod = new Map<string, number[]>();
  const byTask = new Map<string, number[]>();
  for (const m of measured) {
    const key = `${m.job.task.id}\0${methodKey(m.job)}`;
    byTaskMethod.set(key, [...(byTaskMethod.get(key) ?? []), m.totalSeconds]);
    if (m.job.method) byTask.set(m.job.task.id, [...(byTask.get(m.job.task.id) ?? []), m.totalSeconds]);
  }
  const rows = new Map<string, PlanRow>();
  for (const job of jobs) {
    const key = `${job.task.id}\0${methodKey(job)}`;
    let row = rows.get(key);
    if (!row) {
      const own = median(byTaskMethod.get(key) ?? []);
      const task = job.method ? median(byTask.get(job.task.id) ?? []) : null;
      row = {
        task: job.task.id,
        method: methodKey(job),
        jobs: 0,
        done: 0,
        secondsPerJob: own ?? task,
        basis: own !== null ? 'measured' : task !== null ? 'task median' : 'none',
      };
      rows.set(key, row);
    }
    row.jobs++;
    if (isDone(job)) row.done++;
  }
  return [...rows.values()];
}

export function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export interface ShardCommandOptions {
  suite: string;
  shards: number;
  workers: number;
}

/** The shard commands for a Slurm job array, a Kubernetes Indexed Job and a GitHub Actions matrix. */
export function shardCommands({ suite, shards, workers }: ShardCommandOptions): string[] {
  const run = `npx prunebench run --suite ${suite} --workers ${workers} --no-progress`;
  return [
    `Slurm job array (each task reads its shard from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT):`,
    `  sbatch --array=0-${shards - 1} --cpus-per-task=${workers} --wrap "${run}"`,
    `Kubernetes Indexed Job (the shard is JOB_COMPLETION_INDEX of PRUNEBENCH_SHARD_COUNT):`,
    `  spec: { completionMode: Indexed, completions: ${shards}, parallelism: ${shards}, template: { spec: { restartPolicy: Never, containers: [{ name: prunebench, image: <your image with the repository and npm ci>, resources: { requests: { cpu: "${workers}" } }, env: [{ name: PRUNEBENCH_SHARD_COUNT, value: "${shards}" }], command: ["sh", "-c", "${run}"] }] } } }`,
    `GitHub Actions matrix:`,
    `  strategy: { matrix: { shard: [${Array.from({ length: shards }, (_, i) => i).join(', ')}] } }`,
    `  run: npx prunebench run --suite ${suite} --shard \${{ matrix.shard }}/${shards} --workers ${workers} --no-progress`,
    `Each shard writes disjoint record files (their paths follow from job identity): merge the shards' results/ folders by copying them together.`,
  ];
}

/** The plan as lines: a table per task and method, totals, the estimate per worker count, and the shard commands. */
export function renderRunPlan(rows: PlanRow[], opts: ShardCommandOptions & { workerCounts: number[]; twoWorkerSpeedup: number }): string[] {
  const lines: string[] = [];
  const header = ['task', 'method', 'jobs', 'done', 'left', 'per job', 'left (job-time)', 'basis'];
  const body = rows.map((r) => {
    const left = r.jobs - r.done;
    return [
      r.task,
      r.method,
      String(r.jobs),
      String(r.done),
      String(left),
      r.secondsPerJob === null ? '?' : formatSeconds(r.secondsPerJob),
      r.secondsPerJob === null ? '?' : formatSeconds(left * r.secondsPerJob),
      r.basis,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i < 2 || i === 7 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(format(header), ...body.map(format));
  const jobs = rows.reduce((s, r) => s + r.jobs, 0);
  const done = rows.reduce((s, r) => s + r.done, 0);
  const known = rows.filter((r) => r.secondsPerJob !== null);
  const leftSeconds = known.reduce((s, r) => s + (r.jobs - r.done) * r.secondsPerJob!, 0);
  const unknownJobs = rows.filter((r) => r.secondsPerJob === null).reduce((s, r) => s + r.jobs - r.done, 0);
  lines.push(
    '',
    `${jobs} jobs, ${done} done, ${jobs - done} left: about ${formatSeconds(leftSeconds)} of compute (one worker)${unknownJobs ? `, plus ${unknownJobs} job${unknownJobs === 1 ? '' : 's'} of tasks with no measured record yet` : ''}.`,
  );
  for (const w of opts.workerCounts) {
    // One machine's workers share its cores: measured 2-worker speed-up on 2 cores, not 2×.
    const speedup = w === 1 ? 1 : w === 2 ? opts.twoWorkerSpeedup : w * (opts.twoWorkerSpeedup / 2);
    lines.push(
      `  ${w} worker${w === 1 ? '' : 's'}${w > 2 ? ` (${w} cores)` : ''}: about ${formatSeconds(leftSeconds / speedup)} wall time`,
    );
  }
  lines.push(
    '',
    `Estimates are medians of the wall times (timings.totalSeconds) of existing records of the same task and method, else of the task's other pruning jobs.`,
  );
  lines.push('', `To run it as ${opts.shards} shards:`, ...shardCommands(opts).map((l) => `  ${l}`));
  return lines;
}
