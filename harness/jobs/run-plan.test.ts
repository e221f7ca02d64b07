import { describe, expect, it } from 'vitest';
import { jobCosts, planRows, renderRunPlan, shardCommands, taskEstimates } from './run-plan.ts';
import type { JobSpec } from './spec.ts';
import { currentVersions } from './versions.ts';

const job = (task: string, method: string | null, seed: number): JobSpec => ({
  ...currentVersions(),
  task: { id: task, version: '1' },
  method: method ? { id: method, version: '1.0.0', hyperparameters: {} } : null,
  control: null,
  sparsity: method ? 0.9 : 0,
  seed,
});

describe('run --plan', () => {
  const jobs = [job('a', null, 0), job('a', 'imp', 0), job('a', 'imp', 1), job('a', 'snip', 0), job('b', 'snip', 0)];
  const measured = [
    { job: job('a', 'imp', 7), totalSeconds: 100 },
    { job: job('a', 'imp', 8), totalSeconds: 300 },
    { job: job('a', 'random', 0), totalSeconds: 10 },
    { job: job('a', null, 9), totalSeconds: 40 },
  ];

  it('counts jobs and done jobs per task and method and estimates from medians of measured wall times', () => {
    const rows = planRows(jobs, (j) => (j.seed === 0 && j.method?.id === 'imp' ? 123 : null), measured);
    expect(rows).toEqual([
      { task: 'a', method: 'dense', jobs: 1, done: 0, doneSeconds: 0, secondsPerJob: 40, basis: 'measured' },
      { task: 'a', method: 'imp', jobs: 2, done: 1, doneSeconds: 123, secondsPerJob: 200, basis: 'measured' },
      // no snip record on task a: the median of a's pruning jobs (10, 100, 300)
      { task: 'a', method: 'snip', jobs: 1, done: 0, doneSeconds: 0, secondsPerJob: 100, basis: 'task median' },
      { task: 'b', method: 'snip', jobs: 1, done: 0, doneSeconds: 0, secondsPerJob: null, basis: 'none' },
    ]);
  });

  it('prefers records of the current protocol and engine, and says when only older ones exist', () => {
    const older = (j: JobSpec): JobSpec => ({ ...j, protocol: '1', engine: undefined });
    const mixed = [
      { job: job('a', 'imp', 7), totalSeconds: 100 },
      { job: older(job('a', 'imp', 8)), totalSeconds: 500 },
      { job: older(job('a', 'snip', 0)), totalSeconds: 50 },
    ];
    const rows = planRows([job('a', 'imp', 0), job('a', 'snip', 0), job('a', 'lamp', 0)], () => null, mixed);
    expect(rows.map((r) => [r.method, r.secondsPerJob, r.basis])).toEqual([
      ['imp', 100, 'measured'],
      ['snip', 50, 'older version'],
      // the task's pruning jobs: its current imp record only
      ['lamp', 100, 'task median'],
    ]);
  });

  it('estimates a control with no record from its method without the control on the same task', () => {
    const controlled = (task: string, control: JobSpec['control']): JobSpec => ({ ...job(task, 'imp', 0), control });
    const rows = planRows([controlled('a', 'shuffled'), controlled('b', 'reinit')], () => null, measured);
    expect(rows.map((r) => [r.method, r.secondsPerJob, r.basis])).toEqual([
      // a's imp records: 100 and 300 s
      ['imp+shuffled', 200, 'uncontrolled'],
      ['imp+reinit', null, 'none'],
    ]);
    const text = renderRunPlan(rows, { suite: 'controls', shards: 2, workers: 2, workerCounts: [1], twoWorkerSpeedup: 1.75 }).join('\n');
    expect(text).toContain('  a: 1 job, 1 left: about 3 min (3 min as the method without its control).');
  });

  it("scales a method's cost on another task by how the two tasks' costs compare where both have records", () => {
    const rows = planRows([job('c', 'imp', 0), job('c', 'lamp', 0)], () => null, [
      // c ran dense and random at 2× and 4× a's cost: imp's 200 s on a scales by the median ratio, 3×
      { job: job('a', 'imp', 0), totalSeconds: 200 },
      { job: job('a', 'random', 0), totalSeconds: 10 },
      { job: job('a', null, 0), totalSeconds: 40 },
      { job: job('c', 'random', 0), totalSeconds: 40 },
      { job: job('c', null, 0), totalSeconds: 80 },
      // b shares only dense with c: a, sharing two methods, is the one scaled from
      { job: job('b', 'imp', 0), totalSeconds: 1000 },
      { job: job('b', null, 0), totalSeconds: 80 },
    ]);
    expect(rows.map((r) => [r.method, r.secondsPerJob, r.basis, r.from])).toEqual([
      ['imp', 600, 'scaled', 'a'],
      // no task has lamp: the median of c's pruning jobs
      ['lamp', 40, 'task median', undefined],
    ]);
    const text = renderRunPlan(rows, { suite: 'board', shards: 2, workers: 2, workerCounts: [1], twoWorkerSpeedup: 1.75 }).join('\n');
    expect(text).toMatch(/c +imp +1 +0 +0 s +1 +10 min +10 min +scaled from a/);
    expect(text).toContain('  c: 2 jobs, 2 left: about 11 min (10 min scaled from other tasks, 40 s task median).');
  });

  it('takes a task of the same shape as it is when the task has no record, and scales from one first when it has', () => {
    // t-noise30 is t with other label noise (same network, recipe, sizes); c is another network
    const shapeOf = (task: string) => ({ t: 'mlp', 't-noise30': 'mlp', c: 'conv' })[task] ?? null;
    const measured = [
      { job: job('t', 'imp', 0), totalSeconds: 300 },
      { job: job('t', null, 0), totalSeconds: 30 },
      // c comes first by id and is never taken for t's twin
      { job: job('c', 'imp', 0), totalSeconds: 4500 },
      { job: job('c', 'lamp', 0), totalSeconds: 500 },
      { job: job('c', null, 0), totalSeconds: 900 },
    ];
    const unmeasured = planRows(
      [job('t-noise30', 'imp', 0), job('t-noise30', 'lamp', 0), job('v', 'imp', 0)],
      () => null,
      measured,
      shapeOf,
    );
    expect(unmeasured.map((r) => [r.task, r.method, r.secondsPerJob, r.basis, r.from])).toEqual([
      ['t-noise30', 'imp', 300, 'same shape', 't'],
      // no task of its shape has lamp, and t-noise30 has no record to scale c's by
      ['t-noise30', 'lamp', null, 'none', undefined],
      // v has no shape (and no record)
      ['v', 'imp', null, 'none', undefined],
    ]);
    const text = renderRunPlan(unmeasured, { suite: 'variants', shards: 2, workers: 2, workerCounts: [1], twoWorkerSpeedup: 1.75 }).join(
      '\n',
    );
    expect(text).toMatch(/t-noise30 +imp +1 +0 +0 s +1 +5 min +5 min +as t \(same shape\)/);
    expect(text).toContain('  t-noise30: 2 jobs, 2 left: about 5 min (5 min as tasks of the same shape), and 1 job not estimated.');
    expect(text).toContain('  v: 1 job, 1 left: NOT ESTIMATED, no record of this task or of a task of its shape yet.');

    // once t-noise30 has a dense reference (2× t's, 1/15 of c's), it scales t's imp, not c's (which ties on shared methods)
    const started = planRows(
      [job('t-noise30', 'imp', 0)],
      () => null,
      [...measured, { job: job('t-noise30', null, 0), totalSeconds: 60 }],
      shapeOf,
    );
    expect(started.map((r) => [r.secondsPerJob, r.basis, r.from])).toEqual([[600, 'scaled', 't']]);
  });

  it("gives each job its row's estimate, for a run's time left", () => {
    const costOf = jobCosts(planRows(jobs, () => null, measured));
    expect(costOf(job('a', 'imp', 5))).toBe(200);
    expect(costOf(job('a', null, 1))).toBe(40);
    expect(costOf(job('a', 'snip', 3))).toBe(100);
    expect(costOf(job('b', 'snip', 0))).toBeNull();
    expect(costOf(job('z', 'imp', 0))).toBeNull();
  });

  it('totals the compute left per task and overall, scales it by workers, and names the tasks it could not estimate', () => {
    const rows = planRows(jobs, () => null, measured);
    const text = renderRunPlan(rows, { suite: 'board', shards: 4, workers: 2, workerCounts: [1, 2], twoWorkerSpeedup: 1.75 }).join('\n');
    // a: 40 + 2·200 measured, 100 from the task median; b has no record at all
    expect(text).toContain('  a: 4 jobs, 4 left: about 9 min (7 min measured, 2 min task median).');
    expect(text).toContain('  b: 1 job, 1 left: NOT ESTIMATED, no record of this task or of a task of its shape yet.');
    expect(text).toContain(
      '5 jobs, 0 done (0 s of job time, by their records; about 0 s wall time with 2 workers), 5 left: about 9 min of compute (one worker), WITHOUT 1 job with no estimate (b).',
    );
    expect(text).toContain('2 workers: about 5 min wall time plus the jobs not estimated');
    expect(text).toContain('sbatch --array=0-3');
  });

  it('counts done jobs out of the estimate, and sums the wall time their records took', () => {
    const doneSeconds = (j: JobSpec) => (j.task.id === 'b' ? 70 : j.method === null ? 35 : null);
    const estimates = taskEstimates(planRows(jobs, doneSeconds, measured));
    expect(estimates).toEqual([
      { task: 'a', jobs: 4, left: 3, doneSeconds: 35, seconds: { measured: 400, 'task median': 100 }, unestimated: 0 },
      { task: 'b', jobs: 1, left: 0, doneSeconds: 70, seconds: {}, unestimated: 0 },
    ]);
    const text = renderRunPlan(planRows(jobs, doneSeconds, measured), {
      suite: 'board',
      shards: 2,
      workers: 2,
      workerCounts: [1, 2],
      twoWorkerSpeedup: 1.75,
    }).join('\n');
    // 105 s (2 min) spent; with 2 workers at 1.75× that is 60 s of wall time
    expect(text).toContain('5 jobs, 2 done (2 min of job time, by their records; about 60 s wall time with 2 workers), 3 left:');
    expect(text).toContain('  a: 4 jobs (the 1 done took 35 s), 3 left: about 8 min');
    expect(text).toContain('  b: 1 job (the 1 done took 70 s), 0 left.');
  });

  it('prints shard commands for Slurm, a Kubernetes Indexed Job and a CI matrix of the given size', () => {
    const text = shardCommands({ suite: 'standard', shards: 3, workers: 2 }).join('\n');
    expect(text).toContain(
      'sbatch --array=0-2 --cpus-per-task=2 --wrap "npx prunebench run --suite standard --workers 2 --results results --no-progress"',
    );
    expect(text).toMatch(/completionMode: Indexed, completions: 3, parallelism: 3.*PRUNEBENCH_SHARD_COUNT, value: "3"/);
    expect(text).toContain('strategy: { matrix: { shard: [0, 1, 2] } }');
    expect(text).toContain('--shard ${{ matrix.shard }}/3');
  });
});
