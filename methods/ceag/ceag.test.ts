import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { MethodManifest, WeightMap } from '../../api/method-api.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { accuracies, dualStep, measuredGaps, surrogateGaps, type DenseAccuracies } from './excess-gaps.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

// Dense accuracies: 0.9 overall, 0.95 on group 0, 0.85 on group 1; group 2 has no row in the batches below.
const dense: DenseAccuracies = {
  overall: 0.9,
  byGroup: new Map([
    [0, 0.95],
    [1, 0.85],
    [2, 0.9],
  ]),
};

describe('ceag excess accuracy gaps', () => {
  // Four rows, groups [0, 0, 1, 1]; true-class probabilities 0.5, 0.75, 0.25, 0.5 from these logits.
  const logits = () =>
    tf.tensor2d([
      [0, 0],
      [Math.log(3), 0],
      [0, Math.log(3)],
      [0, 0],
    ]);
  const targets = () =>
    tf.tensor2d([
      [1, 0],
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
  const groups = [0, 0, 1, 1];

  it('surrogate with true-class probabilities: S = 0.5, S(0) = 0.625, S(1) = 0.375', () => {
    const gaps = surrogateGaps(tf, logits(), targets(), groups, dense, 'probability');
    expect([...gaps.keys()]).toEqual([0, 1]);
    // ψ̃_0 = (0.95 − 0.9) − (0.625 − 0.5) = −0.075; ψ̃_1 = (0.85 − 0.9) − (0.375 − 0.5) = 0.075.
    expect(gaps.get(0)!.dataSync()[0]).toBeCloseTo(-0.075, 6);
    expect(gaps.get(1)!.dataSync()[0]).toBeCloseTo(0.075, 6);
  });

  it('surrogate with minus the cross-entropy: S(0) − S = ¼ ln(0.375² / 0.046875) = ¼ ln 3', () => {
    // S = ¼ ln(0.5 · 0.75 · 0.25 · 0.5) = ¼ ln 0.046875, S(0) = ½ ln 0.375, S(1) = ½ ln 0.125.
    const gaps = surrogateGaps(tf, logits(), targets(), groups, dense, 'negative-loss');
    expect(gaps.get(0)!.dataSync()[0]).toBeCloseTo(0.05 - Math.log(3) / 4, 6);
    expect(gaps.get(1)!.dataSync()[0]).toBeCloseTo(-0.05 + Math.log(3) / 4, 6);
  });

  it('measured gaps from true accuracies: ψ_0 = 0.30, ψ_1 = −0.30', () => {
    // Predictions [0, 0, 0, 1] against labels [0, 1, 0, 1]: group 0 at 0.5, group 1 at 1.0, overall 0.75.
    const sparse = accuracies([0, 0, 0, 1], [0, 1, 0, 1], groups);
    expect(sparse.overall).toBe(0.75);
    expect([...sparse.byGroup]).toEqual([
      [0, 0.5],
      [1, 1],
    ]);
    const gaps = measuredGaps(sparse, dense);
    // (0.95 − 0.5) − (0.9 − 0.75) and (0.85 − 1) − (0.9 − 0.75); group 2 has no row, so no gap.
    expect([...gaps.keys()]).toEqual([0, 1]);
    expect(gaps.get(0)).toBeCloseTo(0.3, 12);
    expect(gaps.get(1)).toBeCloseTo(-0.3, 12);
  });

  it('the dual step raises the violated group’s multiplier, keeps the satisfied one at 0 and leaves an absent group alone', () => {
    const multipliers = new Map([
      [0, 0],
      [1, 0],
      [2, 0.4],
    ]);
    const gaps = new Map([
      [0, 0.3],
      [1, -0.3],
    ]);
    const seen: number[][] = [];
    for (let step = 0; step < 3; step++) {
      dualStep(multipliers, gaps, 0.02, 0.1);
      seen.push([multipliers.get(0)!, multipliers.get(1)!, multipliers.get(2)!]);
    }
    // λ_0 += 0.1 · (0.3 − 0.02) = 0.028 a step; λ_1 = max(0, 0 + 0.1 · (−0.32)) = 0.
    seen.forEach(([l0, l1, l2], i) => {
      expect(l0).toBeCloseTo(0.028 * (i + 1), 12);
      expect(l1).toBe(0);
      expect(l2).toBe(0.4);
    });
    // Once satisfied, a positive multiplier falls back: 0.084 + 0.1 · (−0.3 − 0.02) = 0.052.
    dualStep(multipliers, new Map([[0, -0.3]]), 0.02, 0.1);
    expect(multipliers.get(0)).toBeCloseTo(0.052, 12);
  });
});

describe('ceag prune', () => {
  const weights: WeightMap = {
    'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
    'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
    'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.95]),
    'fc2/bias': Float32Array.from([0, 0.1]),
  };

  it('cuts |θ| globally (keep 6 of 12: 0.95, 0.9, 0.8, 0.7, 0.6, 0.6), fine-tunes under that mask and says so', async () => {
    const { ctx, network } = await tinyPruneContext({
      weights,
      sparsity: 0.5,
      manifest,
      hyperparameters: { referenceBatches: 1, referenceBatchSize: 4 },
    });
    const result = await prune(ctx);
    const after = network.getWeights();
    network.dispose();
    expect(result.fineTuned).toBe(true);
    if (!('masks' in result)) throw new Error('ceag returns masks');
    expect([...result.masks['fc1/kernel']]).toEqual([0, 0, 1, 1, 1, 0]);
    expect([...result.masks['fc2/kernel']]).toEqual([1, 0, 0, 1, 0, 1]);
    // Fine-tuned: kept weights moved, pruned ones are exactly 0.
    expect(after['fc2/kernel'][0]).not.toBe(weights['fc2/kernel'][0]);
    expect([0, 1, 5].map((i) => after['fc1/kernel'][i])).toEqual([0, 0, 0]);
  });

  it('with constraints that never bind (ε = 1) fine-tunes on cross-entropy alone; binding ones change the weights', async () => {
    const fineTuned = async (hyperparameters: Record<string, number>) => {
      const { ctx, network } = await tinyPruneContext({
        weights,
        sparsity: 0.5,
        manifest,
        hyperparameters: { referenceBatches: 1, referenceBatchSize: 4, ...hyperparameters },
      });
      await prune(ctx);
      const w = network.getWeights();
      network.dispose();
      return w;
    };
    const loose = await fineTuned({ tolerance: 1 });
    // Reference: the same mask fine-tuned by ctx.train on the task's loss (same training draw).
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    ctx.setMasks({ 'fc1/kernel': Float32Array.from([0, 0, 1, 1, 1, 0]), 'fc2/kernel': Float32Array.from([1, 0, 0, 1, 0, 1]) });
    ctx.train({ epochs: ctx.recipe.fineTuneEpochs });
    const plain = network.getWeights();
    network.dispose();
    for (const name of Object.keys(weights)) [...loose[name]].forEach((v, i) => expect(v).toBeCloseTo(plain[name][i], 6));
    // ε = 0 with a large dual step: a group's positive gap makes its multiplier, and the weights, move.
    const tight = await fineTuned({ tolerance: 0, dualStepSize: 50, fineTuneEpochs: 3 });
    const looseLonger = await fineTuned({ tolerance: 1, fineTuneEpochs: 3 });
    expect([...tight['fc2/kernel']]).not.toEqual([...looseLonger['fc2/kernel']]);
  });

  it('refuses a regression task', async () => {
    const train = { n: 2, inputShape: [2], x: Float32Array.from([1, 0, 0, 1]), y: Float32Array.from([0.5, 1, 0, 0.2]), outputSize: 2 };
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest, train });
    expect(() => prune(ctx)).toThrow(/needs a classification task/);
    network.dispose();
  });
});
