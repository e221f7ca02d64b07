import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { nmLargestMask, nmMaskTensor } from '../../api/method-kit/structured.ts';
import { kernelLayouts, structureProblems } from '../../harness/prune/structure.ts';
import { tinyMlp, tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune, srsteWeights } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

describe('nm-srste', () => {
  it('forward: w ⊙ the 2:4 magnitude mask; backward: the straight-through gradient plus λ_W (1 − mask) ⊙ w', async () => {
    await tinyPruneContext({ weights, sparsity: 0.5 }); // sets the cpu backend
    // A kernel [4 inputs, 1 output]: the group keeps |−0.5| and |0.3|.
    const w = tf.tensor([0.1, -0.5, 0.3, 0.05], [4, 1]);
    expect([...(srsteWeights(tf, w, 2, 4, 0.5).dataSync() as Float32Array)].map((v) => Number(v.toFixed(6)))).toEqual([0, -0.5, 0.3, 0]);
    // L = Σ c ⊙ w̃ with c = 1, 2, 3, 4: ∂L/∂w = c + 0.5 · (1 − mask) ⊙ w = 1 + 0.05, 2, 3, 4 + 0.025.
    const c = tf.tensor([1, 2, 3, 4], [4, 1]);
    const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(c, srsteWeights(tf, x, 2, 4, 0.5))))(w);
    [1.05, 2, 3, 4.025].forEach((v, i) => expect(grad.dataSync()[i]).toBeCloseTo(v, 6));
    for (const t of [w, c, grad]) t.dispose();
  });

  it('masks in training exactly as the final JavaScript mask does, trailing short groups and conv kernels included', async () => {
    await tinyPruneContext({ weights, sparsity: 0.5 });
    const values = Float32Array.from({ length: 2 * 2 * 3 * 2 }, (_, i) => Math.sin(3 * i + 1));
    for (const [shape, n, m] of [
      [[2, 2, 3, 2], 2, 4],
      [[5, 3], 2, 4],
      [[5, 3], 1, 4],
      [[6, 2], 1, 2],
    ] as Array<[number[], number, number]>) {
      const size = shape.reduce((a, b) => a * b, 1);
      const kernel = tf.tensor(values.slice(0, size), shape);
      const mask = nmMaskTensor(tf, kernel, n, m);
      expect([...(mask.dataSync() as Float32Array)]).toEqual([...nmLargestMask(values.slice(0, size).map(Math.abs), shape, n, m)]);
      kernel.dispose();
      mask.dispose();
    }
  });

  it('trains the dense weights straight through the mask and returns the N:M magnitude mask of the trained weights', async () => {
    const { ctx, network } = await tinyPruneContext({
      weights,
      sparsity: 0.5,
      manifest,
      structure: { kind: 'n:m', n: 1, m: 2 },
      hyperparameters: { epochs: 2 },
    });
    const initialMask = nmLargestMask(weights['fc1/kernel'].map(Math.abs), [2, 3], 1, 2);
    const result = (await prune(ctx)) as PruneResult & { masks: WeightMap };
    const trained = network.getWeights();
    network.dispose();
    // Weights the initial mask pruned still moved: the gradient reached them straight through the mask.
    const prunedMoved = [...initialMask].some((keep, i) => keep === 0 && trained['fc1/kernel'][i] !== weights['fc1/kernel'][i]);
    expect(prunedMoved).toBe(true);
    // And they moved otherwise than plain dense training moves them: the forward pass used the masked kernels.
    const plain = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    plain.ctx.train({ epochs: 2 });
    expect([...plain.network.getWeights()['fc1/kernel']]).not.toEqual([...trained['fc1/kernel']]);
    plain.network.dispose();
    for (const name of ['fc1/kernel', 'fc2/kernel']) {
      expect([...result.masks[name]]).toEqual([
        ...nmLargestMask(trained[name].map(Math.abs), name === 'fc1/kernel' ? [2, 3] : [3, 2], 1, 2),
      ]);
    }
    expect(structureProblems({ kind: 'n:m', n: 1, m: 2 }, kernelLayouts(tinyMlp), result.masks)).toEqual([]);
  });
});
