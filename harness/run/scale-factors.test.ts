import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denseSummaryOf, initialWeightsFor, runDenseJob, runSparseJob, type DenseReference, type LoadedMethod } from './execute.ts';
import { evaluateOnTest } from './run-metrics.ts';
import { blobTask, sameBits, testManifest, testRecordContext } from '../testing/fixtures.ts';
import { denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { ResultStore } from '../store/store.ts';
import { MaskedNetwork } from '../../engine/network.ts';
import type { MethodManifest, PruneContext, PruneFunction, WeightMap } from '../../api/method-api.ts';
import { inProcessPruner } from '../prune/run-prune.ts';
import { masksFromScores } from '../prune/mask-selection.ts';
import { applyScaleFactors } from '../prune/scale-factors.ts';
import type { TaskData } from '../../api/task-api.ts';

const task = blobTask();
// The blob MLP is 6 → 80 (fc1, ReLU) → 3 (fc2): fc1/kernel has shape [6, 80], so 80 output units.
const untrained = blobTask({ recipe: { ...task.recipe, epochs: 0 } });
const atInit = testManifest({ id: 'rescaler', when: 'init' });
let data: TaskData;
let dense: DenseReference;

function spec(manifest: MethodManifest = atInit, control: JobSpec['control'] = null): JobSpec {
  return {
    ...currentVersions(),
    task: { id: task.id, version: task.version },
    method: { id: manifest.id, version: manifest.version, hyperparameters: {} },
    control,
    sparsity: 0.5,
    seed: 0,
  };
}

function method(prune: PruneFunction, manifest: MethodManifest = atInit): LoadedMethod {
  return { manifest, sourceHash: 'b'.repeat(64), pruner: inProcessPruner(prune) };
}

const magnitudes = (ctx: PruneContext): WeightMap =>
  Object.fromEntries(ctx.network.prunableNames.map((n) => [n, ctx.network.getWeights([n])[n].map(Math.abs)]));
/** Factor 1 + unit/10 for fc1's 80 units: 1, 1.1, …, 8.9 (as float32). */
const risingFactors = () => Float32Array.from({ length: 80 }, (_, unit) => 1 + unit / 10);
const withFactors =
  (factors: () => unknown, name = 'fc1/kernel'): PruneFunction =>
  (ctx) => ({ scores: magnitudes(ctx), scaleFactors: { [name]: factors() } as WeightMap });

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await task.load(0);
  const denseSpec = denseSpecFor(spec());
  const { record, weights } = runDenseJob(denseSpec, task, data, testRecordContext);
  dense = { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) };
});

describe('applyScaleFactors', () => {
  it('multiplies weight [row, unit] of a kernel by its unit factor and leaves unlisted layers as they were', () => {
    const initial: WeightMap = {
      'a/kernel': Float32Array.from([1, 2, 3, 4, 5, 6]),
      'a/bias': Float32Array.from([7, 8, 9]),
      'b/kernel': Float32Array.from([-1, 0.5, 0.25]),
    };
    const shapes = { 'a/kernel': [2, 3], 'a/bias': [3], 'b/kernel': [3, 1] };
    const { weights, summary } = applyScaleFactors(
      { 'a/kernel': Float32Array.from([2, 0.5, 4]) },
      initial,
      ['a/kernel', 'b/kernel'],
      shapes,
    );
    // Row 0 is [1, 2, 3] and row 1 [4, 5, 6]; units (columns) scaled by 2, 0.5, 4.
    expect([...weights['a/kernel']]).toEqual([2, 1, 12, 8, 2.5, 24]);
    expect(sameBits(weights['b/kernel'], initial['b/kernel'])).toBe(true);
    expect(sameBits(weights['a/bias'], initial['a/bias'])).toBe(true);
    expect([...initial['a/kernel']]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(summary).toEqual({ layers: [{ name: 'a/kernel', factors: [2, 0.5, 4] }] });
  });
});

describe('scale factors of init methods', () => {
  it('starts training from the initial weights times the factors and records them', async () => {
    // No training (0 epochs): the test metrics are those of the masked starting weights.
    const record = await runSparseJob(spec(), untrained, data, dense, method(withFactors(risingFactors)), testRecordContext);
    expect(record.failure).toBeNull();
    expect(record.rescaling).toEqual({ layers: [{ name: 'fc1/kernel', factors: [...risingFactors()] }] });

    const initial = initialWeightsFor(task, data, 0);
    const expected: WeightMap = { ...initial, 'fc1/kernel': new Float32Array(6 * 80) };
    for (let row = 0; row < 6; row++)
      for (let unit = 0; unit < 80; unit++)
        expected['fc1/kernel'][row * 80 + unit] = initial['fc1/kernel'][row * 80 + unit] * Math.fround(1 + unit / 10);
    const names = ['fc1/kernel', 'fc2/kernel'];
    const scores = Object.fromEntries(names.map((n) => [n, initial[n].map(Math.abs)]));
    const network = MaskedNetwork.fromWeights(untrained.architecture, expected);
    network.setMasks(masksFromScores(scores, names, { 'fc1/kernel': [6, 80], 'fc2/kernel': [80, 3] }, 0.5, 'global', 0));
    const { metrics } = evaluateOnTest({
      task: untrained,
      network,
      test: data.splits.test,
      targetSparsity: 0.5,
      dense: dense.summary,
      training: null,
    });
    network.dispose();
    expect(record.metrics!.loss).toBe(metrics.loss);
    expect(record.metrics!.calibration).toEqual(metrics.calibration);

    const plain = await runSparseJob(
      spec(),
      untrained,
      data,
      dense,
      method((ctx) => ({ scores: magnitudes(ctx) })),
      testRecordContext,
    );
    expect(plain.rescaling).toBeUndefined();
    expect(plain.metrics!.loss).not.toBe(record.metrics!.loss);
    const store = new ResultStore(mkdtempSync(join(tmpdir(), 'pb-rescale-')));
    expect(() => store.write(record)).not.toThrow();
    expect(() => store.write(plain)).not.toThrow();
  });

  it('changes nothing when every factor is 1, and reinit discards the factors', async () => {
    const plain = await runSparseJob(
      spec(),
      task,
      data,
      dense,
      method((ctx) => ({ scores: magnitudes(ctx) })),
      testRecordContext,
    );
    const ones = await runSparseJob(spec(), task, data, dense, method(withFactors(() => new Float32Array(80).fill(1))), testRecordContext);
    expect(ones.metrics).toEqual(plain.metrics);
    expect(ones.rescaling!.layers[0].factors).toEqual(new Array(80).fill(1));
    const plainReinit = await runSparseJob(
      spec(atInit, 'reinit'),
      task,
      data,
      dense,
      method((ctx) => ({ scores: magnitudes(ctx) })),
      testRecordContext,
    );
    const risingReinit = await runSparseJob(
      spec(atInit, 'reinit'),
      task,
      data,
      dense,
      method(withFactors(risingFactors)),
      testRecordContext,
    );
    expect(risingReinit.metrics).toEqual(plainReinit.metrics);
  });

  it('keeps the factors under the shuffled control (the mask is permuted, the weights stay rescaled)', async () => {
    const plainShuffled = await runSparseJob(
      spec(atInit, 'shuffled'),
      task,
      data,
      dense,
      method((ctx) => ({ scores: magnitudes(ctx) })),
      testRecordContext,
    );
    const onesShuffled = await runSparseJob(
      spec(atInit, 'shuffled'),
      task,
      data,
      dense,
      method(withFactors(() => new Float32Array(80).fill(1))),
      testRecordContext,
    );
    const risingShuffled = await runSparseJob(
      spec(atInit, 'shuffled'),
      task,
      data,
      dense,
      method(withFactors(risingFactors)),
      testRecordContext,
    );
    expect(onesShuffled.metrics).toEqual(plainShuffled.metrics);
    expect(risingShuffled.failure).toBeNull();
    expect(risingShuffled.rescaling!.layers[0].factors).toEqual([...risingFactors()]);
    expect(risingShuffled.metrics!.loss).not.toBe(plainShuffled.metrics!.loss);
  });

  it.each([
    [
      'zero',
      () => Float32Array.from({ length: 80 }, (_, u) => (u === 5 ? 0 : 1)),
      "scaleFactors for 'fc1/kernel' hold 0 at unit 5: a factor must be finite and in [0.001, 1000]",
    ],
    ['NaN', () => Float32Array.from({ length: 80 }, (_, u) => (u === 7 ? NaN : 1)), "scaleFactors for 'fc1/kernel' hold NaN at unit 7"],
    ['negative', () => Float32Array.from({ length: 80 }, (_, u) => (u === 0 ? -2 : 1)), "scaleFactors for 'fc1/kernel' hold -2 at unit 0"],
    ['infinite', () => new Float32Array(80).fill(Infinity), "scaleFactors for 'fc1/kernel' hold Infinity at unit 0"],
    [
      'above the bound',
      () => Float32Array.from({ length: 80 }, (_, u) => (u === 79 ? 1024 : 1)),
      "scaleFactors for 'fc1/kernel' hold 1024 at unit 79",
    ],
    [
      'below the bound',
      () => Float32Array.from({ length: 80 }, (_, u) => (u === 3 ? 2 ** -10 : 1)),
      `scaleFactors for 'fc1/kernel' hold ${2 ** -10} at unit 3`,
    ],
    [
      'one per weight instead of per unit',
      () => new Float32Array(6 * 80).fill(1),
      "scaleFactors for 'fc1/kernel' have 480 values, the layer has 80 output units (shape [6,80])",
    ],
    ['a plain array', () => new Array(80).fill(1), "scaleFactors for 'fc1/kernel' must be a Float32Array"],
  ])('fails a %s factor at stage check, naming the layer and the value', async (_label, factors, message) => {
    const record = await runSparseJob(spec(), task, data, dense, method(withFactors(factors)), testRecordContext);
    expect(record.status).toBe('failed');
    expect(record.failure!.stage).toBe('check');
    expect(record.failure!.reason).toContain(message);
  });

  it('fails factors for a layer that is not a prunable parameter', async () => {
    for (const name of ['fc1/bias', 'fc9/kernel']) {
      const record = await runSparseJob(
        spec(),
        task,
        data,
        dense,
        method(withFactors(() => new Float32Array(80).fill(1), name)),
        testRecordContext,
      );
      expect(record.failure!.stage).toBe('check');
      expect(record.failure!.reason).toContain(`scaleFactors name '${name}', which is not a prunable parameter`);
    }
  });

  it('fails factors returned by a method that does not prune at init', async () => {
    for (const when of ['after-training', 'strong-ticket', 'iterative'] as const) {
      const manifest = testManifest({ id: `rescaler-${when}`, when, scope: 'global' });
      const record = await runSparseJob(
        spec(manifest),
        task,
        data,
        dense,
        method(
          withFactors(() => new Float32Array(80).fill(1)),
          manifest,
        ),
        testRecordContext,
      );
      expect(record.status).toBe('failed');
      expect(record.failure!.reason).toContain(`only init methods may return scaleFactors; 'rescaler-${when}' prunes '${when}'`);
    }
  });
});
