/**
 * `run --plan`: what a run would do, without running anything — the jobs per task and method, how
 * many are done, the compute left (estimated from the measured wall times of existing records),
 * and the commands that split the run into shards on a cluster or a CI matrix.
 */
import type { JobSpec } from './spec.ts';
import { staleVersionReason } from './versions.ts';

/** A finished job's measured cost: what an estimate is made from. */
export interface MeasuredJob {
  job: JobSpec;
  totalSeconds: number;
}

/**
 * Where a row's per-job estimate comes from: records of this task and method made under the current
 * protocol and engine; only records of older versions (an older engine can be several times
 * slower); for a control, the records of its method without the control on this task (a control
 * prunes and trains as its method does: 0.4–1.8× its cost in the lenet300-controls records); the
 * method's records on another task, scaled by how much slower or faster this task ran the methods
 * both tasks have records of (a task of the same shape preferred); the method's records on a task
 * of the same shape, as they are, when this task has none to scale by (the same network, recipe,
 * kind and data sizes cost the same: Circle with another label noise); the median of the task's
 * other pruning jobs (a rough guess: methods differ by up to 30×); or nothing.
 */
export type EstimateBasis = 'measured' | 'older version' | 'uncontrolled' | 'scaled' | 'same shape' | 'task median' | 'none';
const ESTIMATED_BASES = ['measured', 'older version', 'uncontrolled', 'scaled', 'same shape', 'task median'] as const;
const BASIS_TEXT: Record<(typeof ESTIMATED_BASES)[number], string> = {
  measured: 'measured',
  'older version': 'older version',
  uncontrolled: 'as the method without its control',
  scaled: 'scaled from other tasks',
  'same shape': 'as tasks of the same shape',
  'task median': 'task median',
};

/**
 * What a task's jobs cost depends on, as a comparable string (network, recipe, kind, data sizes),
 * or null when unknown: two tasks with the same shape differ only in the values of their data.
 */
export type TaskShape = (taskId: string) => string | null;

export interface PlanRow {
  task: string;
  /** Method id (with +control), or 'dense' for the references. */
  method: string;
  jobs: number;
  done: number;
  /** Wall time of the done jobs' records (timings.totalSeconds): the compute already spent. */
  doneSeconds: number;
  /** Estimated seconds of one more job, or null with no measurement of this task. */
  secondsPerJob: number | null;
  basis: EstimateBasis;
  /** With basis 'scaled' or 'same shape': the task whose records of this method were used. */
  from?: string;
}

const taskMethodKey = (task: string, method: string) => `${task}\0${method}`;

function methodKey(job: JobSpec): string {
  return job.method ? `${job.method.id}${job.control ? `+${job.control}` : ''}` : 'dense';
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Measured wall times by key, current-version records only when the key has any. */
type Times = Map<string, { seconds: number[]; current: boolean }>;

function timesBy(measured: MeasuredJob[], key: (job: JobSpec) => string | null): Times {
  const byKey = new Map<string, { current: number[]; older: number[] }>();
  for (const m of measured) {
    const k = key(m.job);
    if (k === null) continue;
    const entry = byKey.get(k) ?? { current: [], older: [] };
    (staleVersionReason(m.job) ? entry.older : entry.current).push(m.totalSeconds);
    byKey.set(k, entry);
  }
  return new Map(
    [...byKey].map(([k, e]) => [k, e.current.length ? { seconds: e.current, current: true } : { seconds: e.older, current: false }]),
  );
}

/** Per task, the median cost of each method (dense included) it has records of. */
type TaskMedians = Map<string, Map<string, number>>;
/** A cost taken from another task's records, and that task. */
type BorrowedCost = { seconds: number; from: string } | null;

/** Per task (in id order), the median cost of each method (dense included) it has records of. */
function mediansByTask(byTaskMethod: Times): TaskMedians {
  const perTask = new Map<string, Map<string, number>>();
  for (const [key, times] of byTaskMethod) {
    const [task, method] = key.split('\0');
    const medians = perTask.get(task) ?? new Map<string, number>();
    medians.set(method, median(times.seconds)!);
    perTask.set(task, medians);
  }
  return new Map([...perTask].sort(([a], [b]) => a.localeCompare(b)));
}

const sameShape = (a: string, b: string, shapeOf: TaskShape): boolean => {
  const shape = shapeOf(a);
  return shape !== null && shape === shapeOf(b);
};

/**
 * The method's cost on another task, times the ratio of this task's costs to that task's: the
 * median, over the methods (dense included) both tasks have records of, of their median ratio.
 * The other task is one of the same shape if any has the method, else the one sharing the most
 * methods with this one (ties: by id).
 */
function scaledEstimate(task: string, method: string, perTask: TaskMedians, shapeOf: TaskShape): BorrowedCost {
  const own = perTask.get(task);
  if (!own) return null;
  let best: { seconds: number; from: string; rank: [number, number] } | null = null;
  for (const [other, medians] of perTask) {
    const cost = medians.get(method);
    if (other === task || cost === undefined) continue;
    const ratios = [...own].filter(([m]) => medians.has(m)).map(([m, seconds]) => seconds / medians.get(m)!);
    if (ratios.length === 0) continue;
    const rank: [number, number] = [sameShape(task, other, shapeOf) ? 1 : 0, ratios.length];
    if (!best || rank[0] > best.rank[0] || (rank[0] === best.rank[0] && rank[1] > best.rank[1]))
      best = { seconds: cost * median(ratios)!, from: other, rank };
  }
  return best && { seconds: best.seconds, from: best.from };
}

/** The method's cost on the first task (by id) of the same shape that has records of it. */
function sameShapeEstimate(task: string, method: string, perTask: TaskMedians, shapeOf: TaskShape): BorrowedCost {
  for (const [other, medians] of perTask) {
    const cost = medians.get(method);
    if (other !== task && cost !== undefined && sameShape(task, other, shapeOf)) return { seconds: cost, from: other };
  }
  return null;
}

function estimate(
  job: JobSpec,
  byTaskMethod: Times,
  byTask: Times,
  perTask: TaskMedians,
  shapeOf: TaskShape,
): Pick<PlanRow, 'secondsPerJob' | 'basis' | 'from'> {
  const own = byTaskMethod.get(taskMethodKey(job.task.id, methodKey(job)));
  if (own) return { secondsPerJob: median(own.seconds), basis: own.current ? 'measured' : 'older version' };
  const uncontrolled = job.method && job.control ? byTaskMethod.get(taskMethodKey(job.task.id, job.method.id)) : undefined;
  if (uncontrolled) return { secondsPerJob: median(uncontrolled.seconds), basis: 'uncontrolled' };
  const scaled = scaledEstimate(job.task.id, methodKey(job), perTask, shapeOf);
  if (scaled) return { secondsPerJob: scaled.seconds, basis: 'scaled', from: scaled.from };
  const twin = sameShapeEstimate(job.task.id, methodKey(job), perTask, shapeOf);
  if (twin) return { secondsPerJob: twin.seconds, basis: 'same shape', from: twin.from };
  const task = job.method ? byTask.get(job.task.id) : undefined;
  return task ? { secondsPerJob: median(task.seconds), basis: 'task median' } : { secondsPerJob: null, basis: 'none' };
}

/**
 * Rows per (task, method) in plan order, with done counts, the compute they took and per-job
 * estimates. `doneRecordSeconds` gives a done job's record wall time, or null when the job is not done;
 * `shapeOf` tells which tasks cost the same (by default none are known to).
 */
export function planRows(
  jobs: JobSpec[],
  doneRecordSeconds: (job: JobSpec) => number | null,
  measured: MeasuredJob[],
  shapeOf: TaskShape = () => null,
): PlanRow[] {
  const byTaskMethod = timesBy(measured, (job) => taskMethodKey(job.task.id, methodKey(job)));
  const byTask = timesBy(measured, (job) => (job.method ? job.task.id : null));
  const perTask = mediansByTask(byTaskMethod);
  const rows = new Map<string, PlanRow>();
  for (const job of jobs) {
    const key = taskMethodKey(job.task.id, methodKey(job));
    let row = rows.get(key);
    if (!row) {
      row = {
        task: job.task.id,
        method: methodKey(job),
        jobs: 0,
        done: 0,
        doneSeconds: 0,
        ...estimate(job, byTaskMethod, byTask, perTask, shapeOf),
      };
      rows.set(key, row);
    }
    row.jobs++;
    const spent = doneRecordSeconds(job);
    if (spent !== null) {
      row.done++;
      row.doneSeconds += spent;
    }
  }
  return [...rows.values()];
}

/** Each job's estimated seconds, its plan row's (null where the row has no estimate): a run's time left is reckoned from them. */
export function jobCosts(rows: readonly PlanRow[]): (job: JobSpec) => number | null {
  const byKey = new Map(rows.map((r) => [taskMethodKey(r.task, r.method), r.secondsPerJob]));
  return (job) => byKey.get(taskMethodKey(job.task.id, methodKey(job))) ?? null;
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
  const run = `npx prunebench run --suite ${suite} --workers ${workers} --results results --no-progress`;
  return [
    `Slurm job array (each task reads its shard from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT):`,
    `  sbatch --array=0-${shards - 1} --cpus-per-task=${workers} --wrap "${run}"`,
    `Kubernetes Indexed Job (the shard is JOB_COMPLETION_INDEX of PRUNEBENCH_SHARD_COUNT):`,
    `  spec: { completionMode: Indexed, completions: ${shards}, parallelism: ${shards}, template: { spec: { restartPolicy: Never, containers: [{ name: prunebench, image: <your image with the repository and npm ci>, resources: { requests: { cpu: "${workers}" } }, env: [{ name: PRUNEBENCH_SHARD_COUNT, value: "${shards}" }], command: ["sh", "-c", "${run}"] }] } } }`,
    `GitHub Actions matrix:`,
    `  strategy: { matrix: { shard: [${Array.from({ length: shards }, (_, i) => i).join(', ')}] } }`,
    `  run: npx prunebench run --suite ${suite} --shard \${{ matrix.shard }}/${shards} --workers ${workers} --results results --no-progress`,
    `Shards write disjoint record files (their paths follow from job identity): on a shared file system they fill one results/ folder; otherwise merge the shards' results folders into one (prunebench merge SHARD… --results results).`,
    `Shards share no cache: an IMP trunk whose sparsities fall in several shards is trained again in each, up to that shard's deepest job.`,
  ];
}

/** Per task: its jobs, those left, and the compute left split by what the estimate rests on. */
export interface TaskEstimate {
  task: string;
  jobs: number;
  left: number;
  /** Wall time of the done jobs' records. */
  doneSeconds: number;
  /** Seconds left, by basis (no entry for 'none'). */
  seconds: Partial<Record<Exclude<EstimateBasis, 'none'>, number>>;
  /** Jobs left without any estimate. */
  unestimated: number;
}

export function taskEstimates(rows: PlanRow[]): TaskEstimate[] {
  const byTask = new Map<string, TaskEstimate>();
  for (const r of rows) {
    const t = byTask.get(r.task) ?? { task: r.task, jobs: 0, left: 0, doneSeconds: 0, seconds: {}, unestimated: 0 };
    const left = r.jobs - r.done;
    t.jobs += r.jobs;
    t.left += left;
    t.doneSeconds += r.doneSeconds;
    if (r.basis === 'none') t.unestimated += left;
    else t.seconds[r.basis] = (t.seconds[r.basis] ?? 0) + left * r.secondsPerJob!;
    byTask.set(r.task, t);
  }
  return [...byTask.values()];
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const jobsText = (n: number) => `${n} job${n === 1 ? '' : 's'}`;

function describeTask(t: TaskEstimate): string {
  const spent = t.left < t.jobs ? ` (the ${t.jobs - t.left} done took ${formatSeconds(t.doneSeconds)})` : '';
  const head = `${t.task}: ${jobsText(t.jobs)}${spent}, ${t.left} left`;
  if (t.left === 0) return `${head}.`;
  if (t.unestimated === t.left) return `${head}: NOT ESTIMATED, no record of this task or of a task of its shape yet.`;
  const parts = ESTIMATED_BASES.filter((b) => t.seconds[b] !== undefined).map((b) => `${formatSeconds(t.seconds[b]!)} ${BASIS_TEXT[b]}`);
  return `${head}: about ${formatSeconds(sum(Object.values(t.seconds)))} (${parts.join(', ')})${t.unestimated ? `, and ${jobsText(t.unestimated)} not estimated` : ''}.`;
}

/** The plan as lines: a table per task and method, totals per task, the estimate per worker count, and the shard commands. */
export function renderRunPlan(rows: PlanRow[], opts: ShardCommandOptions & { workerCounts: number[]; twoWorkerSpeedup: number }): string[] {
  const lines: string[] = [];
  const header = ['task', 'method', 'jobs', 'done', 'done (job-time)', 'left', 'per job', 'left (job-time)', 'basis'];
  const body = rows.map((r) => {
    const left = r.jobs - r.done;
    return [
      r.task,
      r.method,
      String(r.jobs),
      String(r.done),
      formatSeconds(r.doneSeconds),
      String(left),
      r.secondsPerJob === null ? '?' : formatSeconds(r.secondsPerJob),
      r.secondsPerJob === null ? '?' : formatSeconds(left * r.secondsPerJob),
      r.from ? (r.basis === 'scaled' ? `scaled from ${r.from}` : `as ${r.from} (same shape)`) : r.basis,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const format = (cells: string[]) => cells.map((c, i) => (i < 2 || i === 8 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  lines.push(format(header), ...body.map(format));
  const tasks = taskEstimates(rows);
  lines.push('', 'Per task (compute left with one worker, by what the estimate rests on):', ...tasks.map((t) => `  ${describeTask(t)}`));
  const jobs = sum(tasks.map((t) => t.jobs));
  const left = sum(tasks.map((t) => t.left));
  const leftSeconds = sum(tasks.map((t) => sum(Object.values(t.seconds))));
  const doneSeconds = sum(tasks.map((t) => t.doneSeconds));
  const unestimated = tasks.filter((t) => t.unestimated > 0);
  const unestimatedJobs = sum(unestimated.map((t) => t.unestimated));
  lines.push(
    '',
    `${jobs} jobs, ${jobs - left} done (${formatSeconds(doneSeconds)} of job time, by their records; about ${formatSeconds(doneSeconds / opts.twoWorkerSpeedup)} wall time with 2 workers), ${left} left: about ${formatSeconds(leftSeconds)} of compute (one worker)${unestimatedJobs ? `, WITHOUT ${jobsText(unestimatedJobs)} with no estimate (${unestimated.map((t) => t.task).join(', ')})` : ''}.`,
  );
  for (const w of opts.workerCounts) {
    // One machine's workers share its cores: measured 2-worker speed-up on 2 cores, not 2×.
    const speedup = w === 1 ? 1 : w === 2 ? opts.twoWorkerSpeedup : w * (opts.twoWorkerSpeedup / 2);
    lines.push(
      `  ${w} worker${w === 1 ? '' : 's'}${w > 2 ? ` (${w} cores)` : ''}: about ${formatSeconds(leftSeconds / speedup)} wall time${unestimatedJobs ? ' plus the jobs not estimated' : ''}`,
    );
  }
  lines.push(
    '',
    "Estimates are medians of the wall times (timings.totalSeconds) of this results folder's and the committed records of the same task and method, current protocol and engine first; " +
      'for a control with no record, else of its method without the control on the same task; ' +
      "else of the method's records on another task (one of the same network, recipe and data sizes if any, else the one sharing the most measured methods with this one), times the median ratio of the two tasks' costs for those methods; " +
      "else, on a task with no record, of the method's records on a task of the same shape, unscaled; " +
      "else of the task's other pruning jobs. A task with no record and no task of its shape has no estimate: run one seed of it (its dense reference and a few methods), or see docs/leaderboard.md for measured costs.",
  );
  lines.push('', `To run it as ${opts.shards} shards:`, ...shardCommands(opts).map((l) => `  ${l}`));
  return lines;
}
