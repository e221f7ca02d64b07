import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledMethod, blobDenseReference } from '../testing/sandbox-fixtures.ts';
import { sandboxedPruner } from './sandboxed-pruner.ts';
import { runSparseJob, type DenseReference } from '../run/execute.ts';
import { inProcessPruner } from '../prune/run-prune.ts';
import { blobTask, testManifest, testRecordContext } from '../testing/fixtures.ts';
import type { JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import type { PruneFunction } from '../../api/method-api.ts';
import type { TaskData } from '../../api/task-api.ts';

const work = mkdtempSync(join(tmpdir(), 'pb-sandbox-scale-'));
const task = blobTask();
const manifest = testManifest({ id: 'rescaler', when: 'init' });
const spec: JobSpec = {
  ...currentVersions(),
  task: { id: task.id, version: task.version },
  method: { id: 'rescaler', version: '1.0.0', hyperparameters: {} },
  control: null,
  sparsity: 0.5,
  seed: 0,
};
// Magnitude scores, and factors 1 + unit/10 for every unit of every kernel (the kernel's last dimension).
const rescalerBody = `const names = ctx.network.prunableNames;
  const w = ctx.network.getWeights([...names]);
  const units = (n) => ctx.network.parameters.find((p) => p.name === n).shape.at(-1);
  return {
    scores: Object.fromEntries(names.map((n) => [n, w[n].map(Math.abs)])),
    scaleFactors: Object.fromEntries(names.map((n) => [n, Float32Array.from({ length: units(n) }, (_, u) => 1 + u / 10)])),
  };`;
let data: TaskData;
let dense: DenseReference;

beforeAll(async () => {
  ({ data, dense } = await blobDenseReference(spec));
});

describe('scale factors through the sandbox', () => {
  it('arrive from the child process as Float32Arrays and give the same record as in process', async () => {
    const bundle = await bundledMethod(work, 'rescaler', rescalerBody);
    const pruner = sandboxedPruner({
      bundle,
      workDir: work,
      backend: 'cpu',
      wasmDir: null,
      timeBudgetSeconds: () => 60,
      memoryBudgetMb: 2048,
    });
    const sandboxed = await runSparseJob(spec, task, data, dense, { manifest, sourceHash: 'b'.repeat(64), pruner }, testRecordContext);
    const inProcess = await runSparseJob(
      spec,
      task,
      data,
      dense,
      { manifest, sourceHash: 'b'.repeat(64), pruner: inProcessPruner(new Function('ctx', rescalerBody) as PruneFunction) },
      testRecordContext,
    );
    expect(sandboxed.failure).toBeNull();
    expect(sandboxed.rescaling!.layers.map((l) => [l.name, l.factors.length])).toEqual([
      ['fc1/kernel', 80],
      ['fc2/kernel', 3],
    ]);
    expect(sandboxed.rescaling).toEqual(inProcess.rescaling);
    expect(sandboxed.metrics).toEqual(inProcess.metrics);
  });
});
