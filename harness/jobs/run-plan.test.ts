import { describe, expect, it } from 'vitest';
import { planRows, renderRunPlan, shardCommands } from './run-plan.ts';
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
    const rows = planRows(jobs, (j) => j.seed === 0 && j.method?.id === 'imp', measured);
    expect(rows).toEqual([
      { task: 'a', method: 'dense', jobs: 1, done: 0, secondsPerJob: 40, basis: 'measured' },
      { task: 'a', method: 'imp', jobs: 2, done: 1, secondsPerJob: 200, basis: 'measured' },
      // no snip record on task a: the median of a's pruning jobs (10, 100, 300)
      { task: 'a', method: 'snip', jobs: 1, done: 0, secondsPerJob: 100, basis: 'task median' },
      { task: 'b', method: 'snip', jobs: 1, done: 0, secondsPerJob: null, basis: 'none' },
    ]);
  });

  it('totals the compute left, scales it by workers, and says what it could not estimate', () => {
    const rows = planRows(jobs, () => false, measured);
    const text = renderRunPlan(rows, { suite: 'board', shards: 4, workers: 2, workerCounts: [1, 2], twoWorkerSpeedup: 1.75 }).join('\n');
    // 40 + 2·200 + 100 = 540 s left, 4 jobs of a known task; b's snip is unknown
    expect(text).toContain('5 jobs, 0 done, 5 left: about 9 min of compute (one worker), plus 1 job of tasks with no measured record yet.');
    expect(text).toContain('2 workers: about 5 min wall time');
    expect(text).toContain('sbatch --array=0-3');
  });

  it('prints shard commands for Slurm, a Kubernetes Indexed Job and a CI matrix of the given size', () => {
    const text = shardCommands({ suite: 'standard', shards: 3, workers: 2 }).join('\n');
    expect(text).toContain('sbatch --array=0-2 --cpus-per-task=2 --wrap "npx prunebench run --suite standard --workers 2 --no-progress"');
    expect(text).toMatch(/completionMode: Indexed, completions: 3, parallelism: 3.*PRUNEBENCH_SHARD_COUNT, value: "3"/);
    expect(text).toContain('strategy: { matrix: { shard: [0, 1, 2] } }');
    expect(text).toContain('--shard ${{ matrix.shard }}/3');
  });
});
