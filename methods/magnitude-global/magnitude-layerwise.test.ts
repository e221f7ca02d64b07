import { describe, expect, it } from 'vitest';
import type { PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { getMethod } from '../../harness/registry/methods.ts';
import { prune } from './index.ts';

// A variant declared in magnitude-global's manifest: the same code, run with layerwise scope.
const manifest = getMethod('magnitude-layerwise').manifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

// fc2's weights are an order of magnitude smaller than fc1's: a global threshold would empty fc2.
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.9, -0.1, 0.5, -0.7, 0.3, -0.05]),
  'fc1/bias': Float32Array.from([0.2, -0.2, 0.1]),
  'fc2/kernel': Float32Array.from([0.02, -0.08, 0.004, 0.06, -0.035, 0.015]),
  'fc2/bias': Float32Array.from([0.3, -0.3]),
};

async function masksAt(sparsity: number) {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest });
  const result = (await prune(ctx)) as PruneResult;
  network.dispose();
  if (!('scores' in result)) throw new Error('magnitude-layerwise must return scores');
  return masksFromScores(result.scores, names, shapes, sparsity, manifest.scope, 0);
}

describe('magnitude-layerwise', () => {
  it('removes the smallest magnitudes of each layer separately', async () => {
    // s = 0.5 keeps 3 per layer: fc1 0.9, 0.7, 0.5; fc2 0.08, 0.06, 0.035.
    const half = await masksAt(0.5);
    expect([...half['fc1/kernel']]).toEqual([1, 0, 1, 1, 0, 0]);
    expect([...half['fc2/kernel']]).toEqual([0, 1, 0, 1, 1, 0]);
    // s = 0.6 keeps 6 − round(3.6) = 2 per layer: fc1 0.9, 0.7; fc2 0.08, 0.06.
    const fewer = await masksAt(0.6);
    expect([...fewer['fc1/kernel']]).toEqual([1, 0, 0, 1, 0, 0]);
    expect([...fewer['fc2/kernel']]).toEqual([0, 1, 0, 1, 0, 0]);
  });

  it('keeps n − round(s·n) weights in every layer', async () => {
    for (const sparsity of [0.25, 0.5, 0.9]) {
      const masks = await masksAt(sparsity);
      for (const name of names) expect(countKept(masks, [name])).toBe(keepCountFor(6, sparsity));
    }
  });
});
