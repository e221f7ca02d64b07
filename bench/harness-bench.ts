/**
 * Harness throughput: jobs per hour with 1 and 2 workers on the quick suite, next to what two
 * processes can gain on this machine at all, and the share of one job's wall time spent outside
 * backend kernels.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { selectBackend } from '../harness/engine/backend/select.ts';
import { planSuite, shardPlan } from '../harness/jobs/plan.ts';
import { denseSpecFor, jobId } from '../harness/jobs/spec.ts';
import { Runner } from '../harness/run/runner.ts';
import { denseSummaryOf, runDenseJob, runSparseJob, type LoadedMethod } from '../harness/run/execute.ts';
import { environmentOf, prunebenchVersion } from '../harness/run/environment.ts';
import { inProcessPruner } from '../harness/prune/run-prune.ts';
import { sandboxedMethod } from '../harness/run/sandboxed-method.ts';
import { getSuite, getTask } from '../suites/registry.ts';
import { getMethod, listMethods } from '../methods/registry.ts';
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
  task: string;
  method: string;
  what: string;
}

/** Quick-suite jobs of three kinds: most pruning and evaluation per training step, a full recipe, a small planted MLP. */
const SHARE_JOBS: ShareJob[] = [
  { task: TASK, method: 'magnitude-global', what: 'LeNet-300-100, fine-tunes 1 epoch' },
  { task: TASK, method: 'random', what: 'LeNet-300-100, trains 3 epochs' },
  { task: 'planted-circle-d5-w100', method: 'random', what: 'planted Circle MLP, trains its recipe' },
];

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
 * The job at 90% sparsity, three times in one process (a worker runs many), its kernels timed; the
 * median run by wall time. `pruning`: prune() in this process, or in the sandbox as runs do (the
 * sandboxed process's whole time, kernels included, then counts as outside).
 */
export async function kernelShare(job: ShareJob, pruning: 'in-process' | 'sandboxed'): Promise<KernelShare> {
  const backend = await selectBackend();
  const task = getTask(job.task);
  const data = await task.load(0);
  const context = { environment: environmentOf(backend), provenance: { prunebenchVersion: prunebenchVersion(), gitCommit: null, gitDirty: null } };
  const plan = planSuite(getSuite('quick'), { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) }, { tasks: [job.task], methods: [job.method], sparsities: [0.9] });
  const spec = plan.sparse[0];
  const denseSpec = denseSpecFor(spec);
  const { record, weights } = runDenseJob(denseSpec, task, data, context);
  const dense = { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) };
  const sandboxDir = mkdtempSync(join(tmpdir(), 'pb-share-'));
  try {
    const loaded = pruning === 'sandboxed' ? await sandboxedMethod(job.method, { sandboxDir, backend: backend.name === 'cpu' ? 'cpu' : 'wasm' }) : await inProcessMethod(job.method);
    const runs: KernelShare[] = [];
    for (let i = 0; i < 3; i++) {
      const timer = instrumentKernels(backend.name);
      const start = performance.now();
      const result = await runSparseJob(spec, task, data, dense, loaded, context);
      const wall = (performance.now() - start) / 1000;
      const kernel = timer.kernelMilliseconds() / 1000;
      timer.restore();
      if (result.status !== 'ok') throw new Error(`share job failed: ${result.failure?.reason}`);
      runs.push({ wallSeconds: wall, kernelSeconds: kernel, outsideShare: 1 - kernel / wall, kernelCalls: timer.calls() });
    }
    return runs.sort((a, b) => a.wallSeconds - b.wallSeconds)[1];
  } finally {
    rmSync(sandboxDir, { recursive: true, force: true });
  }
}

export async function benchHarness(): Promise<void> {
  console.log(`\n== harness: quick suite (every task, method and sparsity; fresh results and dense cache each run)`);
  const one = await jobsPerHour(1);
  console.log(`1 worker : ${one.jobs} jobs in ${one.seconds.toFixed(1)} s = ${one.perHour.toFixed(0)} jobs/hour`);
  const two = await jobsPerHour(2);
  console.log(`2 workers: ${two.jobs} jobs in ${two.seconds.toFixed(1)} s = ${two.perHour.toFixed(0)} jobs/hour`);
  const speedUp = two.perHour / one.perHour;
  console.log(`speed-up with 2 workers: ${speedUp.toFixed(2)}× (aim ≥ 1.8×)`);
  const ceiling = await parallelCeiling();
  console.log(`for reference, plain training (no harness) in 2 processes at once: ${ceiling.ratio.toFixed(2)}× the throughput of 1 (1 alone ${ceiling.oneSeconds.toFixed(2)} s, 2 together ${ceiling.twoSeconds.toFixed(2)} s; median of 3)`);
  for (const job of SHARE_JOBS) {
    for (const pruning of ['in-process', 'sandboxed'] as const) {
      const share = await kernelShare(job, pruning);
      console.log(`one job (${job.method} on ${job.what}, s=0.9, prune() ${pruning}): wall ${share.wallSeconds.toFixed(2)} s, in kernels ${share.kernelSeconds.toFixed(2)} s over ${share.kernelCalls} kernel calls → ${(share.outsideShare * 100).toFixed(1)}% outside backend kernels (aim < 10%)`);
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHarness();
