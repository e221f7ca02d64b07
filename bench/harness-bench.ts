/**
 * Harness throughput: jobs per hour with 1 and 2 workers on the quick suite, next to what two
 * processes can gain on this machine at all, and the share of one job's wall time spent outside
 * backend kernels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../engine/backend/backend-selection.ts';
import { planSuite, shardPlan } from '../harness/jobs/plan.ts';
import { denseSpecFor, jobId } from '../harness/jobs/spec.ts';
import { Runner } from '../harness/run/runner.ts';
import { denseSummaryOf, runDenseJob, runSparseJob, type DenseReference, type LoadedMethod } from '../harness/run/execute.ts';
import { environmentOf, prunebenchVersion } from '../harness/run/environment.ts';
import { inProcessPruner } from '../harness/prune/run-prune.ts';
import { sandboxedMethod } from '../harness/run/sandboxed-method.ts';
import { getSuite, getTask } from '../suites/registry.ts';
import { getMethod, listMethods } from '../harness/registry/methods.ts';
import { instrumentKernels } from './kernel-timer.ts';
import { parallelCeiling } from './parallel-ceiling.ts';

const TASK = 'mnist-lenet300-small';

async function jobsPerHour(workers: number): Promise<{ jobs: number; seconds: number; perHour: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'pb-bench-'));
  try {
    const plan = planSuite(getSuite('quick'), { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) }, {});
    const runner = new Runner({
      plan: shardPlan(plan, null),
      resultsDir: join(dir, 'results'),
      cacheDir: join(dir, 'cache'),
      workers,
      provenance: { prunebenchVersion: prunebenchVersion(), gitCommit: null, gitDirty: null },
      jobBudgetSeconds: (id) => getTask(id).jobBudgetSeconds,
    });
    const start = performance.now();
    const summary = await runner.run();
    const seconds = (performance.now() - start) / 1000;
    if (summary.failed) throw new Error(`bench run had ${summary.failed} failed jobs: ${JSON.stringify(summary.failures)}`);
    return { jobs: summary.ran, seconds, perHour: (summary.ran / seconds) * 3600 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface ShareJob {
  /** The suite the job is planned from; its sparsity nearest 90 % is taken. */
  suite: string;
  task: string;
  method: string;
  what: string;
  /** Runs in one process after a warm-up run; the median by wall time is reported. */
  runs: number;
  pruning: Array<'in-process' | 'sandboxed'>;
}

/**
 * Quick-suite jobs of three kinds (most pruning and evaluation per training step, a full recipe, a
 * small planted MLP), a convolutional network, and one standard-suite job: the sandbox's fixed
 * cost per job against a job of leaderboard size.
 */
const SHARE_JOBS: ShareJob[] = [
  {
    suite: 'quick',
    task: TASK,
    method: 'magnitude-global',
    what: 'LeNet-300-100 on 10k MNIST images, fine-tunes 1 epoch',
    runs: 5,
    pruning: ['in-process', 'sandboxed'],
  },
  {
    suite: 'quick',
    task: TASK,
    method: 'random',
    what: 'LeNet-300-100 on 10k MNIST images, trains 3 epochs',
    runs: 5,
    pruning: ['in-process', 'sandboxed'],
  },
  {
    suite: 'quick',
    task: 'planted-circle-d5-w100',
    method: 'random',
    what: 'planted Circle MLP, trains its recipe',
    runs: 5,
    pruning: ['in-process', 'sandboxed'],
  },
  // A convolutional network trains through tfjs's engine (with the fused operations), not the whole-step trainer.
  {
    suite: 'paper-han2015',
    task: 'mnist-lenet5-small',
    method: 'magnitude-global',
    what: 'LeNet-5 on 10k MNIST images, fine-tunes 1 epoch',
    runs: 1,
    pruning: ['sandboxed'],
  },
  {
    suite: 'standard',
    task: 'mnist-lenet300',
    method: 'magnitude-global',
    what: 'LeNet-300-100 on full MNIST (standard suite), fine-tunes 3 epochs',
    runs: 1,
    pruning: ['sandboxed'],
  },
];

const trainedDense = new Map<string, DenseReference>();

async function inProcessMethod(id: string): Promise<LoadedMethod> {
  const registered = getMethod(id);
  return { manifest: registered.manifest, sourceHash: registered.sourceHash, pruner: inProcessPruner(await registered.load()) };
}

export interface KernelShare {
  wallSeconds: number;
  kernelSeconds: number;
  outsideShare: number;
  kernelCalls: number;
}

/**
 * The job at (about) 90% sparsity, run in one process as a worker runs its jobs one after another: a
 * warm-up run (a worker's first job of a task also compiles the code and writes the data file its
 * sandboxed prune processes read), then `job.runs` timed runs, the median by wall time reported. `pruning`: prune() in this process, or in the sandbox as runs do (the
 * sandboxed process's whole time, kernels included, then counts as outside).
 */
export async function kernelShare(job: ShareJob, pruning: 'in-process' | 'sandboxed'): Promise<KernelShare> {
  const backend = await selectBackend();
  const task = getTask(job.task);
  const data = await task.load(0);
  const context = {
    environment: environmentOf(backend),
    provenance: { prunebenchVersion: prunebenchVersion(), gitCommit: null, gitDirty: null },
  };
  const plan = planSuite(
    getSuite(job.suite),
    { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) },
    { tasks: [job.task], methods: [job.method], seeds: [0] },
  );
  const spec = plan.sparse.filter((s) => s.control === null).sort((a, b) => Math.abs(a.sparsity - 0.9) - Math.abs(b.sparsity - 0.9))[0];
  const denseSpec = denseSpecFor(spec);
  let dense = trainedDense.get(jobId(denseSpec));
  if (!dense) {
    const { record, weights } = runDenseJob(denseSpec, task, data, context);
    dense = { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) };
    trainedDense.set(dense.recordId, dense);
  }
  const sandboxDir = mkdtempSync(join(tmpdir(), 'pb-share-'));
  try {
    const loaded =
      pruning === 'sandboxed'
        ? await sandboxedMethod(job.method, { sandboxDir, backend: backend.name === 'cpu' ? 'cpu' : 'wasm' })
        : await inProcessMethod(job.method);
    const runs: KernelShare[] = [];
    const timer = instrumentKernels(backend.name);
    try {
      for (let i = 0; i <= job.runs; i++) {
        const [kernelBefore, callsBefore] = [timer.kernelMilliseconds(), timer.calls()];
        const start = performance.now();
        const result = await runSparseJob(spec, task, data, dense, loaded, context);
        const wall = (performance.now() - start) / 1000;
        const kernel = (timer.kernelMilliseconds() - kernelBefore) / 1000;
        if (result.status !== 'ok') throw new Error(`share job failed: ${result.failure?.reason}`);
        if (i > 0)
          runs.push({
            wallSeconds: wall,
            kernelSeconds: kernel,
            outsideShare: 1 - kernel / wall,
            kernelCalls: timer.calls() - callsBefore,
          });
      }
    } finally {
      timer.restore();
    }
    return runs.sort((a, b) => a.wallSeconds - b.wallSeconds)[Math.floor(runs.length / 2)];
  } finally {
    rmSync(sandboxDir, { recursive: true, force: true });
  }
}

/** Jobs per hour on the quick suite with 1 and 2 workers, next to plain training's speed-up. */
export async function benchThroughput(): Promise<void> {
  console.log(`\n== harness: quick suite (every task, method and sparsity; fresh results and dense cache each run)`);
  // Plain training in 1 and 2 processes, before and after the harness runs: what this machine's two
  // cores give bare compute at the time (the host is shared, so it moves).
  const before = await parallelCeiling();
  const one = await jobsPerHour(1);
  console.log(`1 worker : ${one.jobs} jobs in ${one.seconds.toFixed(1)} s = ${one.perHour.toFixed(0)} jobs/hour`);
  const two = await jobsPerHour(2);
  console.log(`2 workers: ${two.jobs} jobs in ${two.seconds.toFixed(1)} s = ${two.perHour.toFixed(0)} jobs/hour`);
  const after = await parallelCeiling();
  const speedUp = two.perHour / one.perHour;
  console.log(`speed-up with 2 workers: ${speedUp.toFixed(2)}× (aim ≥ 1.8×)`);
  for (const [when, ceiling] of [
    ['before', before],
    ['after', after],
  ] as const) {
    console.log(
      `for reference, plain training (no harness) in 2 processes at once, ${when}: ${ceiling.ratio.toFixed(2)}× the throughput of 1 (1 alone ${ceiling.oneSeconds.toFixed(2)} s, 2 together ${ceiling.twoSeconds.toFixed(2)} s; median of 3)`,
    );
  }
  const reference = (before.ratio + after.ratio) / 2;
  console.log(
    `harness speed-up / plain-training speed-up: ${(speedUp / reference).toFixed(2)} (1.00: the harness scales exactly as bare training does on this machine)`,
  );
}

/** The share of single jobs' wall time spent outside backend kernels. */
export async function benchKernelShare(): Promise<void> {
  console.log(`\n== harness: share of a job's wall time outside backend kernels`);
  for (const job of SHARE_JOBS) {
    for (const pruning of job.pruning) {
      const share = await kernelShare(job, pruning);
      console.log(
        `one job (${job.method} on ${job.what}, s≈0.9, prune() ${pruning}): wall ${share.wallSeconds.toFixed(2)} s, in kernels ${share.kernelSeconds.toFixed(2)} s over ${share.kernelCalls} kernel calls → ${(share.outsideShare * 100).toFixed(1)}% outside backend kernels (aim < 10%)`,
      );
    }
  }
}

export async function benchHarness(): Promise<void> {
  await benchThroughput();
  await benchKernelShare();
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHarness();
