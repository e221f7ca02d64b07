import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { WeightMap } from '../../engine/types.ts';
import { tinyPruneContext } from '../testing/tiny-context.ts';

const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

describe('ctx.train({ forwardWeights })', () => {
  it('runs the forward pass through the function: kernels multiplied by 0 get no gradient, biases still train', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5 });
    ctx.train({ epochs: 2, forwardWeights: (kernels) => Object.fromEntries(Object.entries(kernels).map(([n, w]) => [n, tf.mul(w, 0)])) });
    const after = network.getWeights();
    network.dispose();
    expect([...after['fc1/kernel']]).toEqual([...weights['fc1/kernel']]);
    expect([...after['fc2/kernel']]).toEqual([...weights['fc2/kernel']]);
    expect([...after['fc2/bias']]).not.toEqual([...weights['fc2/bias']]);
  });

  it('stops training naming a missing kernel or a wrong shape', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5 });
    expect(() => ctx.train({ epochs: 1, forwardWeights: (k) => ({ 'fc1/kernel': k['fc1/kernel'] }) })).toThrow(
      "forwardWeights must return a tensor for every prunable kernel; 'fc2/kernel' is missing",
    );
    expect(() => ctx.train({ epochs: 1, forwardWeights: (k) => ({ ...k, 'fc2/kernel': tf.zeros([2, 3]) }) })).toThrow(
      "forwardWeights returned shape [2, 3] for 'fc2/kernel', whose shape is [3, 2]",
    );
    network.dispose();
  });
});
