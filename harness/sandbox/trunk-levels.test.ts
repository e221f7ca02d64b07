import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleMethod } from './bundle.ts';
import { sandboxedPruner } from './sandboxed-pruner.ts';
import { runSparseJob, type DenseReference } from '../run/execute.ts';
import { blobTask, testRecordContext } from '../testing/fixtures.ts';
import type { JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { resolveHyperparameters } from '../jobs/hyperparameters.ts';
import { getMethod } from '../registry/methods.ts';
import { TrunkCache } from '../run/trunk-cache.ts';
import { trunkPruner } from '../run/trunk-pruner.ts';
import { filesUnder } from '../../tests/cli-helpers.ts';
import { blobDenseReference, bundledMethod } from '../testing/sandbox-fixtures.ts';
import type { TaskData } from '../../api/task-api.ts';

const work = mkdtempSync(join(tmpdir(), 'pb-sandbox-trunk-'));
const task = blobTask();
const manifest = getMethod('imp').manifest;
const spec: JobSpec = {
  ...currentVersions(),
  task: { id: task.id, version: task.version },
  method: { id: 'imp', version: manifest.version, hyperparameters: resolveHyperparameters(manifest, { epochs: 1 }) },
  control: null,
  sparsity: 0.5,
  seed: 0,
};
let data: TaskData;
let dense: DenseReference;

/** A job of a method claiming imp's trunk schedule, sandboxed, its levels kept in `cacheDir`. */
async function runClaiming(name: string, body: string, cacheDir: string) {
  const bundle = await bundledMethod(work, name, body);
  const pruner = sandboxedPruner({
    bundle,
    workDir: work,
    backend: 'cpu',
    wasmDir: null,
    timeBudgetSeconds: () => 60,
    memoryBudgetMb: 2048,
  });
  return runSparseJob(
    spec,
    task,
    data,
    dense,
    { manifest, sourceHash: 'c'.repeat(64), pruner: trunkPruner(pruner, new TrunkCache(cacheDir), 'c'.repeat(64)) },
    testRecordContext,
  );
}

beforeAll(async () => {
  ({ data, dense } = await blobDenseReference(spec));
});

describe('trunk levels from the sandbox', () => {
  it('runs imp where no trunk is kept (a pruner without the trunk cache): its levels go nowhere', async () => {
    const bundle = await bundleMethod(join(getMethod('imp').dir, 'index.ts'), join(work, 'bundles'), 'imp-plain');
    const pruner = sandboxedPruner({
      bundle,
      workDir: work,
      backend: 'cpu',
      wasmDir: null,
      timeBudgetSeconds: () => 60,
      memoryBudgetMb: 2048,
    });
    const record = await runSparseJob(spec, task, data, dense, { manifest, sourceHash: 'd'.repeat(64), pruner }, testRecordContext);
    expect(record.failure).toBeNull();
    expect(record.trunk).toBeUndefined();
  });

  it('refuses and does not store a level that is not what the schedule prunes: the job fails', async () => {
    const cacheDir = join(work, 'cache-forged');
    // Level 1 without pruning anything: every weight kept where the first round keeps 80 % (90 % of the output layer).
    const record = await runClaiming('forger', `await ctx.trunk.reached(1, {});\nreturn { scores: ctx.network.getWeights() };`, cacheDir);
    expect(record.status).toBe('failed');
    expect(record.failure!.reason).toMatch(/trunk level refused: level 1 keeps 480, 240 weights where the schedule keeps 384, 216/);
    expect(filesUnder(cacheDir).filter((f) => f.endsWith('.trunk'))).toEqual([]);
  });

  it('stores a level the schedule allows and hands it to the next job, which starts from it', async () => {
    const cacheDir = join(work, 'cache-honest');
    const prune = `
      const names = ctx.network.prunableNames;
      if (!ctx.trunk.start) {
        const kept = { 'fc1/kernel': 384, 'fc2/kernel': 216 };
        ctx.setMasks(Object.fromEntries(names.map((n) => [n, Float32Array.from(ctx.network.getMasks()[n], (_, i) => (i < kept[n] ? 1 : 0))])));
        await ctx.trunk.reached(1, { note: Float32Array.from([7]) });
      } else if (ctx.trunk.start.level !== 1 || ctx.trunk.start.arrays.note[0] !== 7 || ctx.network.getMasks()['fc1/kernel'][400] !== 0) {
        throw new Error('not started from the stored level');
      }
      return { scores: Object.fromEntries(names.map((n) => [n, ctx.network.getMasks()[n]])) };`;
    const first = await runClaiming('honest', prune, cacheDir);
    expect(first.failure).toBeNull();
    expect(filesUnder(cacheDir).filter((f) => f.endsWith('.trunk'))).toHaveLength(1);
    const second = await runClaiming('honest', prune, cacheDir);
    expect(second.failure).toBeNull();
    expect(second.trunk!.reusedLevel).toBe(1);
  });
});
