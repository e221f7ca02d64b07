import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { WeightMap } from '../../engine/types.ts';
import { tinyClassificationData, tinyMlp, tinyPruneContext, tinyRecipe } from '../testing/tiny-context.ts';
import { trainingEngineFor } from '../../engine/train.ts';
import { MaskedNetwork } from '../../engine/network.ts';

const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

describe('ctx.train with a method loss', () => {
  it('trains on the method loss, not the task loss: a loss of 0 · Σ outputs leaves every weight unchanged', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5 });
    ctx.train({ epochs: 2, loss: (outputs) => tf.mul(0, tf.sum(outputs)) as tf.Scalar });
    const after = network.getWeights();
    network.dispose();
    for (const name of Object.keys(weights)) expect([...after[name]]).toEqual([...weights[name]]);
    // The same two epochs on the task's loss move them (so the test above can fail).
    const plain = await tinyPruneContext({ weights, sparsity: 0.5 });
    plain.ctx.train({ epochs: 2 });
    expect([...plain.network.getWeights()['fc2/kernel']]).not.toEqual([...weights['fc2/kernel']]);
    plain.network.dispose();
  });

  it('gives the loss the outputs of the masked network and the batch, with the rows’ groups where the data has them', async () => {
    const train = { ...tinyClassificationData(), groups: Int32Array.from([10, 11, 10, 11]) };
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, train });
    const seen: Array<{ labels: number[]; groups: number[]; outputShape: number[] }> = [];
    ctx.train({
      epochs: 2,
      loss: (outputs, batch) => {
        seen.push({ labels: [...tf.argMax(batch.y, 1).dataSync()], groups: [...batch.groups!], outputShape: outputs.shape });
        return ctx.loss(outputs, batch.y);
      },
    });
    network.dispose();
    expect(seen).toHaveLength(2);
    // y = [0, 1, 0, 1] and groups = 10 + y here, row by row, in the epoch's shuffled order.
    for (const s of seen) {
      expect(s.outputShape).toEqual([4, 2]);
      expect(s.groups).toEqual(s.labels.map((y) => 10 + y));
    }
  });

  it('leaves batch.groups out where the data has none', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5 });
    let groups: unknown = 'unset';
    ctx.train({ steps: 1, loss: (outputs, batch) => ((groups = batch.groups), ctx.loss(outputs, batch.y)) });
    network.dispose();
    expect(groups).toBeUndefined();
  });

  it('refuses a loss that is not a finite scalar, naming what it got', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5 });
    expect(() => ctx.train({ steps: 1, loss: (outputs) => tf.div(tf.sum(outputs), 0) as tf.Scalar })).toThrow(
      /the method's training loss is not finite \((Infinity|-Infinity|NaN)\)/,
    );
    expect(() => ctx.train({ steps: 1, loss: (outputs) => tf.sum(outputs, 1) as unknown as tf.Scalar })).toThrow(
      /must be a scalar tensor, got a tensor of shape \[4\]/,
    );
    expect(() => ctx.train({ steps: 1, loss: () => 0 as unknown as tf.Scalar })).toThrow(/must be a scalar tensor, got number/);
    network.dispose();
  });

  it('takes the tape path (the whole-step trainer knows only the task loss)', () => {
    const network = MaskedNetwork.fromWeights(tinyMlp, weights);
    const base = {
      network,
      train: tinyClassificationData(),
      recipe: { ...tinyRecipe, optimizer: 'adam' as const },
      epochs: 1,
      rng: null as never,
    };
    expect(trainingEngineFor(base)).toBe('whole-step');
    expect(trainingEngineFor({ ...base, loss: (o) => tf.sum(o) as tf.Scalar })).toBe('fused-ops');
    network.dispose();
  });
});
