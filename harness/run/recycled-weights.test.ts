import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denseSummaryOf, initialWeightsFor, runDenseJob, runSparseJob, type DenseReference, type LoadedMethod } from './execute.ts';
import { blobTask, testManifest, testRecordContext } from '../testing/fixtures.ts';
import { denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { ResultStore } from '../store/store.ts';
import type { MethodManifest, PruneContext, PruneFunction, WeightMap } from '../../api/method-api.ts';
import { inProcessPruner } from '../prune/run-prune.ts';
import type { TaskData } from '../../api/task-api.ts';

const task = blobTask();
const strong = testManifest({ id: 'recycler', when: 'strong-ticket', scope: 'layerwise' });
let data: TaskData;
let dense: DenseReference;

function spec(manifest: MethodManifest = strong): JobSpec {
  return {
    ...currentVersions(),
    task: { id: task.id, version: task.version },
    method: { id: manifest.id, version: manifest.version, hyperparameters: {} },
    control: null,
    sparsity: 0.5,
    seed: 0,
  };
}

function method(prune: PruneFunction, manifest: MethodManifest = strong): LoadedMethod {
  return { manifest, sourceHash: 'b'.repeat(64), pruner: inProcessPruner(prune) };
}

const magnitudes = (ctx: PruneContext): WeightMap =>
  Object.fromEntries(ctx.network.prunableNames.map((n) => [n, ctx.network.getWeights([n])[n].map(Math.abs)]));

/** The first layer's weights with every value replaced by `value(weights)`. */
function firstLayerAll(ctx: PruneContext, value: (w: Float32Array) => number): WeightMap {
  const name = ctx.network.prunableNames[0];
  const w = ctx.network.getWeights([name])[name];
  return { [name]: new Float32Array(w.length).fill(value(w)) };
}

const largestMagnitude = (w: Float32Array) => w.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best), 0);

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await task.load(0);
  const denseSpec = denseSpecFor(spec());
  const { record, weights } = runDenseJob(denseSpec, task, data, testRecordContext);
  dense = { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) };
});

describe('recycled weights of strong-ticket methods', () => {
  it('evaluates an honest recycler on its recycled weights and records how many changed', async () => {
    const plain = await runSparseJob(
      spec(),
      task,
      data,
      dense,
      method((ctx) => ({ scores: magnitudes(ctx) })),
      testRecordContext,
    );
    // The first layer's largest-|w| initial value copied onto every weight of that layer: all but one change (its own place).
    const honest = await runSparseJob(
      spec(),
      task,
      data,
      dense,
      method((ctx) => ({ scores: magnitudes(ctx), recycledWeights: firstLayerAll(ctx, largestMagnitude) })),
      testRecordContext,
    );
    expect(honest.failure).toBeNull();
    const first = task.architecture.layers.find((l) => 'name' in l && l.name)!;
    const name = `${(first as { name: string }).name}/kernel`;
    const size = [...dense.weights[name]].length;
    expect(honest.recycling).toEqual({ layers: [{ name, changed: size - 1 }] });
    expect(plain.recycling).toBeUndefined();
    expect(honest.metrics!.loss).not.toBe(plain.metrics!.loss);
    expect(honest.metrics!.training.epochs).toBe(0);
    const store = new ResultStore(mkdtempSync(join(tmpdir(), 'pb-recycle-')));
    expect(() => store.write(honest)).not.toThrow();
  });

  it('fails a method that returns a trained (non-initial) value, naming the layer and the value', async () => {
    const cheat = await runSparseJob(
      spec(),
      task,
      data,
      dense,
      method((ctx) => ({ scores: magnitudes(ctx), recycledWeights: firstLayerAll(ctx, (w) => Math.fround(largestMagnitude(w) * 1.5)) })),
      testRecordContext,
    );
    expect(cheat.status).toBe('failed');
    expect(cheat.failure!.stage).toBe('check');
    const name = Object.keys(dense.weights).find((n) => n.endsWith('/kernel'))!;
    const trained = Math.fround(largestMagnitude(initialWeightsFor(task, data, 0)[name]) * 1.5);
    expect(cheat.failure!.reason).toContain(
      `recycledWeights for '${name}' hold ${trained} at index 0, which is not one of that layer's initial values`,
    );
  });

  it('fails a value taken from another layer, a wrong size, and recycling by a method that is not strong-ticket', async () => {
    const fromOtherLayer = await runSparseJob(
      spec(),
      task,
      data,
      dense,
      method((ctx) => {
        const [a, b] = ctx.network.prunableNames;
        const w = ctx.network.getWeights([a, b]);
        const own = new Set(w[a]);
        const foreign = [...w[b]].find((v) => !own.has(v))!;
        const values = Float32Array.from(w[a]);
        values[3] = foreign;
        return { scores: magnitudes(ctx), recycledWeights: { [a]: values } };
      }),
      testRecordContext,
    );
    expect(fromOtherLayer.failure!.reason).toMatch(/at index 3, which is not one of that layer's initial values/);

    const short = await runSparseJob(
      spec(),
      task,
      data,
      dense,
      method((ctx) => ({ scores: magnitudes(ctx), recycledWeights: { [ctx.network.prunableNames[0]]: new Float32Array(1) } })),
      testRecordContext,
    );
    expect(short.failure!.reason).toMatch(/have 1 values, the parameter has/);

    const weak = testManifest({ id: 'weak-recycler', when: 'init' });
    const notStrong = await runSparseJob(
      spec(weak),
      task,
      data,
      dense,
      method((ctx) => ({ scores: magnitudes(ctx), recycledWeights: firstLayerAll(ctx, largestMagnitude) }), weak),
      testRecordContext,
    );
    expect(notStrong.status).toBe('failed');
    expect(notStrong.failure!.reason).toMatch(/only strong-ticket methods may return recycledWeights/);
  });
});
