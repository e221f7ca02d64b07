import { beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledMethod, magnitudeBody, blobDenseReference } from '../testing/sandbox-fixtures.ts';
import { sandboxedPruner } from './sandboxed-pruner.ts';
import { runSparseJob, type DenseReference } from '../run/execute.ts';
import { inProcessPruner } from '../prune/run-prune.ts';
import { blobTask, testManifest, testRecordContext } from '../testing/fixtures.ts';
import type { JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { mnistDir } from '../../suites/data/mnist.ts';
import type { TaskData } from '../../api/task-api.ts';
import type { PruneFunction } from '../../api/method-api.ts';

const work = mkdtempSync(join(tmpdir(), 'pb-sandbox-'));
const task = blobTask();
const resultsDir = join(work, 'results');
let data: TaskData;
let dense: DenseReference;

const spec: JobSpec = {
  ...currentVersions(),
  task: { id: task.id, version: task.version },
  method: { id: 'fake', version: '1.0.0', hyperparameters: {} },
  control: null,
  sparsity: 0.5,
  seed: 0,
};

// Bundling refuses Node built-ins in method code, so these attacks reach for them at run time, by a
// computed name the bundler cannot see; what stops them then is the process's permission model.
const runtimeBuiltin = "const builtin = (name: string) => require(['node', name].join(':'));\ndeclare const require: (id: string) => any;";

async function runSandboxed(
  name: string,
  body: string,
  prelude = '',
  timeBudgetSeconds = 60,
  memoryBudgetMb = 2048,
  manifest = testManifest(),
) {
  const bundle = await bundledMethod(work, name, body, prelude);
  const pruner = sandboxedPruner({
    bundle,
    workDir: work,
    backend: 'cpu',
    wasmDir: null,
    timeBudgetSeconds: () => timeBudgetSeconds,
    memoryBudgetMb,
  });
  return runSparseJob(spec, task, data, dense, { manifest, sourceHash: 'b'.repeat(64), pruner }, testRecordContext);
}

beforeAll(async () => {
  ({ data, dense } = await blobDenseReference(spec));
  mkdirSync(resultsDir, { recursive: true });
});

describe('sandboxed prune()', () => {
  it('gives the same record as running the method in process', async () => {
    const sandboxed = await runSandboxed('magnitude', magnitudeBody);
    const prune = new Function('ctx', magnitudeBody) as PruneFunction;
    const inProcess = await runSparseJob(
      spec,
      task,
      data,
      dense,
      { manifest: testManifest(), sourceHash: 'b'.repeat(64), pruner: inProcessPruner(prune) },
      testRecordContext,
    );
    expect(sandboxed.status).toBe('ok');
    expect(sandboxed.metrics).toEqual(inProcess.metrics);
  });

  it('gives the same record for a method that reads both splits and trains (data read on demand)', async () => {
    const body = `const scores = {};
      for (const batch of [...ctx.trainBatches(2), ...ctx.validationBatches(1)]) {
        const g = ctx.gradients(batch);
        for (const n of ctx.network.prunableNames) scores[n] = scores[n] ? scores[n].map((v, i) => v + Math.abs(g[n][i])) : g[n].map(Math.abs);
        batch.x.dispose();
        batch.y.dispose();
      }
      ctx.train({ steps: 3 });
      return { scores };`;
    const manifest = testManifest({ when: 'iterative' });
    const sandboxed = await runSandboxed('reads-data', body, '', 60, 2048, manifest);
    const inProcess = await runSparseJob(
      spec,
      task,
      data,
      dense,
      { manifest, sourceHash: 'b'.repeat(64), pruner: inProcessPruner(new Function('ctx', body) as PruneFunction) },
      testRecordContext,
    );
    expect(sandboxed.status).toBe('ok');
    expect(sandboxed.metrics).toEqual(inProcess.metrics);
  });

  it('refuses to let a method read the test data, naming the violation', async () => {
    const testImages = join(mnistDir(), 't10k-images-idx3-ubyte');
    const record = await runSandboxed(
      'reads-test',
      `builtin('fs').readFileSync(${JSON.stringify(testImages)}); ${magnitudeBody}`,
      runtimeBuiltin,
    );
    expect(record.status).toBe('failed');
    expect(record.failure!.stage).toBe('prune');
    expect(record.failure!.reason).toContain(`permission violation (FileSystemRead of ${testImages})`);
  });

  it('refuses writes to results/', async () => {
    const target = join(resultsDir, 'forged.json');
    const record = await runSandboxed(
      'writes',
      `builtin('fs').writeFileSync(${JSON.stringify(target)}, '{}'); ${magnitudeBody}`,
      runtimeBuiltin,
    );
    expect(record.failure!.reason).toMatch(/permission violation \(FileSystemWrite/);
    expect(existsSync(target)).toBe(false);
  });

  it('refuses to spawn processes and worker threads', async () => {
    const spawned = await runSandboxed('spawns', `(await import(['node', 'child_process'].join(':'))).spawnSync('ls'); ${magnitudeBody}`);
    expect(spawned.failure!.reason).toMatch(/permission violation \(ChildProcess/);
    const threaded = await runSandboxed(
      'threads',
      `new (await import(['node', 'worker_threads'].join(':'))).Worker('1', { eval: true }); ${magnitudeBody}`,
    );
    expect(threaded.failure!.reason).toMatch(/permission violation \(WorkerThreads/);
  });

  it('stops a method that loops forever at its time budget', async () => {
    const record = await runSandboxed('loops', 'while (true) {}', '', 3);
    expect(record.status).toBe('failed');
    expect(record.failure!.reason).toMatch(/exceeded its time budget of 3 s and was stopped/);
  });

  it('stops a method that exceeds its memory budget', async () => {
    const record = await runSandboxed(
      'hungry',
      'const chunks = []; while (true) { chunks.push(new Float64Array(1 << 24).fill(1)); await new Promise((r) => setTimeout(r, 5)); }',
      '',
      60,
      700,
    );
    expect(record.failure!.reason).toMatch(/exceeded its memory budget of 700 MB \(.+\) and was stopped/);
  });

  it('reports a method that crashes its process', async () => {
    const record = await runSandboxed('exits', 'process.exit(3);');
    expect(record.failure!.reason).toMatch(/exited \(code 3\) without a result/);
  });
});
