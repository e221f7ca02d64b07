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
import { denseSummaryOf, runDenseJob, runSparseJob } from '../harness/run/execute.ts';
import { environmentOf, prunebenchVersion } from '../harness/run/environment.ts';
import { inProcessPruner } from '../harness/prune/run-prune.ts';
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

/** One in-process job of `methodId` at 90% sparsity on the quick suite's MNIST task, its kernels timed. */
export async function kernelShare(methodId = 'magnitude-global'): Promise<{ wallSeconds: number; kernelSeconds: number; outsideShare: number; kernelCalls: number }> {
  const backend = await selectBackend();
  const task = getTask(TASK);
  const data = await task.load(0);
  const context = { environment: environmentOf(backend), provenance: { prunebenchVersion: prunebenchVersion(), gitCommit: null, gitDirty: null } };
  const plan = planSuite(getSuite('quick'), { getTask, listMethodManifests: () => listMethods().map((m) => m.manifest) }, { tasks: [TASK], methods: [methodId], sparsities: [0.9] });
  const spec = plan.sparse[0];
  const denseSpec = denseSpecFor(spec);
  const { record, weights } = runDenseJob(denseSpec, task, data, context);
  const registered = getMethod(methodId);
  const method = { manifest: registered.manifest, sourceHash: registered.sourceHash, pruner: inProcessPruner(await registered.load()) };
  const dense = { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) };
  const timer = instrumentKernels(backend.name);
  const start = performance.now();
  await runSparseJob(spec, task, data, dense, method, context);
  const wall = (performance.now() - start) / 1000;
  const kernel = timer.kernelMilliseconds() / 1000;
  timer.restore();
  return { wallSeconds: wall, kernelSeconds: kernel, outsideShare: 1 - kernel / wall, kernelCalls: timer.calls() };
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
  // A fine-tuning job (1 epoch after pruning: the shortest training, so the largest share of
  // pruning, evaluation and setup) and a job that trains the sparse network for the full recipe.
  for (const [methodId, what] of [['magnitude-global', 'fine-tunes 1 epoch'], ['random', 'trains 3 epochs from init']] as const) {
    const share = await kernelShare(methodId);
    console.log(`one job (${methodId}, s=0.9, ${what}): wall ${share.wallSeconds.toFixed(2)} s, in kernels ${share.kernelSeconds.toFixed(2)} s over ${share.kernelCalls} kernel calls → ${(share.outsideShare * 100).toFixed(1)}% outside backend kernels (aim < 10%)`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHarness();
