import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denseSummaryOf, runDenseJob, runSparseJob, type DenseReference, type LoadedMethod } from './execute.ts';
import { blobTask, testManifest, testRecordContext } from '../testing/fixtures.ts';
import { denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { ResultStore } from '../store/store.ts';
import type { PruneFunction, MethodManifest } from '../../api/method-api.ts';
import { inProcessPruner } from '../prune/run-prune.ts';
import type { TaskData } from '../../api/task-api.ts';

const task = blobTask();
let data: TaskData;
let dense: DenseReference;

function spec(sparsity: number, control: JobSpec['control'] = null, manifest = testManifest()): JobSpec {
  return {
    ...currentVersions(),
    task: { id: task.id, version: task.version },
    method: { id: manifest.id, version: manifest.version, hyperparameters: {} },
    control,
    sparsity,
    seed: 0,
  };
}

function method(prune: PruneFunction, manifest: MethodManifest = testManifest()): LoadedMethod {
  return { manifest, sourceHash: 'a'.repeat(64), pruner: inProcessPruner(prune) };
}

const magnitude: PruneFunction = (ctx) => ({
  scores: Object.fromEntries(ctx.network.prunableNames.map((n) => [n, ctx.network.getWeights([n])[n].map(Math.abs)])),
});

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await task.load(0);
  const denseSpec = denseSpecFor(spec(0.5));
  const { record, weights } = runDenseJob(denseSpec, task, data, testRecordContext);
  expect(record.status).toBe('ok');
  expect(record.metrics!.accuracy!).toBeGreaterThan(0.8);
  dense = { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) };
});

describe('runSparseJob', () => {
  it('prunes to the exact target, fine-tunes, and writes a schema-valid record with dense metrics', async () => {
    const record = await runSparseJob(spec(0.75), task, data, dense, method(magnitude), testRecordContext);
    expect(record.failure).toBeNull();
    expect(record.status).toBe('ok');
    expect(record.metrics!.sparsity.global).toBeCloseTo(0.75, 3);
    expect(record.dense!.recordId).toBe(dense.recordId);
    expect(record.metrics!.retention).toBeCloseTo(record.metrics!.accuracy! / dense.summary.accuracy!, 10);
    expect(record.metrics!.disparateImpact!.maxPsi).not.toBeNull();
    const store = new ResultStore(mkdtempSync(join(tmpdir(), 'pb-exec-')));
    expect(() => store.write(record)).not.toThrow();
  });

  it('refuses a job whose hyperparameters its manifest does not allow, before prune() runs', async () => {
    const declared: MethodManifest = {
      ...testManifest(),
      hyperparameters: { rounds: { type: 'integer', default: 2, minimum: 1, help: 'rounds' } },
    };
    let pruned = false;
    const job = (hyperparameters: Record<string, number>): JobSpec => ({
      ...spec(0.5, null, declared),
      method: { id: declared.id, version: declared.version, hyperparameters },
    });
    const counting: PruneFunction = (ctx) => ((pruned = true), magnitude(ctx));
    const refused = await runSparseJob(job({ rounds: 0 }), task, data, dense, method(counting, declared), testRecordContext);
    expect([refused.status, refused.failure?.stage, refused.failure?.reason]).toEqual([
      'failed',
      'setup',
      "method 'fake': hyperparameter 'rounds' = 0 must be ≥ 1",
    ]);
    const missing = await runSparseJob(job({}), task, data, dense, method(counting, declared), testRecordContext);
    expect(missing.failure?.reason).toBe("method 'fake': the job gives no value for hyperparameter(s) rounds");
    expect(pruned).toBe(false);
    expect((await runSparseJob(job({ rounds: 2 }), task, data, dense, method(counting, declared), testRecordContext)).status).toBe('ok');
    expect(pruned).toBe(true);
  });

  it('is bit-identical when run twice', async () => {
    const a = await runSparseJob(spec(0.5), task, data, dense, method(magnitude), testRecordContext);
    const b = await runSparseJob(spec(0.5), task, data, dense, method(magnitude), testRecordContext);
    expect(a.metrics).toEqual(b.metrics);
  });

  const faults: Array<[string, PruneFunction, RegExp, string]> = [
    [
      'throws',
      () => {
        throw new Error('boom');
      },
      /fake: boom/,
      'prune',
    ],
    [
      'returns NaN',
      (ctx) => ({
        scores: Object.fromEntries(
          ctx.network.prunableNames.map((n) => [n, new Float32Array(ctx.network.getWeights([n])[n].length).fill(NaN)]),
        ),
      }),
      /NaN/,
      'check',
    ],
    [
      'returns the wrong shape',
      (ctx) => ({ scores: Object.fromEntries(ctx.network.prunableNames.map((n) => [n, new Float32Array(3)])) }),
      /have 3 values/,
      'check',
    ],
    [
      'returns the wrong count',
      (ctx) => ({
        masks: Object.fromEntries(
          ctx.network.prunableNames.map((n) => [n, new Float32Array(ctx.network.getWeights([n])[n].length).fill(1)]),
        ),
      }),
      /keeps 720 of 720 weights/,
      'check',
    ],
    ['returns nothing', () => undefined as never, /must return \{ scores \} or \{ masks \}/, 'check'],
    [
      'returns non-binary masks',
      (ctx) => ({
        masks: Object.fromEntries(
          ctx.network.prunableNames.map((n) => [n, new Float32Array(ctx.network.getWeights([n])[n].length).fill(0.5)]),
        ),
      }),
      /not binary/,
      'check',
    ],
  ];
  for (const [what, prune, reason, stage] of faults) {
    it(`records a failure when the method ${what}`, async () => {
      const record = await runSparseJob(spec(0.5), task, data, dense, method(prune), testRecordContext);
      expect(record.status).toBe('failed');
      expect(record.failure!.stage).toBe(stage);
      expect(record.failure!.reason).toMatch(reason);
      expect(record.metrics).toBeNull();
      const store = new ResultStore(mkdtempSync(join(tmpdir(), 'pb-exec-')));
      expect(() => store.write(record)).not.toThrow();
    });
  }

  it('stops a strong-ticket method from training the weights', async () => {
    const manifest = testManifest({ when: 'strong-ticket' });
    const record = await runSparseJob(
      spec(0.5, null, manifest),
      task,
      data,
      dense,
      method((ctx) => {
        ctx.train({ steps: 1 });
        return magnitude(ctx);
      }, manifest),
      testRecordContext,
    );
    expect(record.status).toBe('failed');
    expect(record.failure!.reason).toMatch(/strong-ticket method may not train/);
  });

  it('evaluates a strong ticket on the initial weights without training them', async () => {
    const manifest = testManifest({ when: 'strong-ticket' });
    const record = await runSparseJob(spec(0.5, null, manifest), task, data, dense, method(magnitude, manifest), testRecordContext);
    expect(record.status).toBe('ok');
    expect(record.metrics!.training.epochs).toBe(0);
  });

  it('applies the inverted control to scores and refuses it for mask-only methods', async () => {
    // At 50% the inverted mask keeps exactly the weights the normal one removes (no ties in |w|).
    const normal = await runSparseJob(spec(0.5), task, data, dense, method(magnitude), testRecordContext);
    const inverted = await runSparseJob(spec(0.5, 'inverted'), task, data, dense, method(magnitude), testRecordContext);
    expect(inverted.failure).toBeNull();
    const layers = normal.metrics!.sparsity.layers;
    inverted.metrics!.sparsity.layers.forEach((l, i) => expect(l.zeros).toBe(l.total - layers[i].zeros));
    expect(layers[0].zeros).not.toBe(layers[0].total / 2);
    const masksOnly = testManifest({ output: 'masks' });
    const refused = await runSparseJob(
      spec(0.9, 'inverted', masksOnly),
      task,
      data,
      dense,
      method(() => ({ masks: {} }), masksOnly),
      testRecordContext,
    );
    expect(refused.failure).toMatchObject({ stage: 'setup' });
  });

  it('keeps per-layer densities under the shuffled control and re-initialises under reinit', async () => {
    for (const control of ['shuffled', 'reinit'] as const) {
      const record = await runSparseJob(spec(0.75, control), task, data, dense, method(magnitude), testRecordContext);
      expect(record.status).toBe('ok');
      expect(record.metrics!.sparsity.global).toBeCloseTo(0.75, 3);
    }
    const plain = await runSparseJob(spec(0.75), task, data, dense, method(magnitude), testRecordContext);
    const shuffled = await runSparseJob(spec(0.75, 'shuffled'), task, data, dense, method(magnitude), testRecordContext);
    expect(shuffled.metrics!.sparsity.layers.map((l) => l.zeros)).toEqual(plain.metrics!.sparsity.layers.map((l) => l.zeros));
  });

  it('hands the method train and validation data only', async () => {
    let seenRows = 0;
    const counting: PruneFunction = (ctx) => {
      for (const batch of ctx.trainBatches(6, 20)) {
        seenRows += batch.size;
        batch.x.dispose();
        batch.y.dispose();
      }
      expect(Object.keys(ctx)).not.toContain('test');
      return magnitude(ctx);
    };
    await runSparseJob(spec(0.5), task, data, dense, method(counting), testRecordContext);
    expect(seenRows).toBe(120);
  });
});
