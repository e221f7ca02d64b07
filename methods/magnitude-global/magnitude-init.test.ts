import { describe, expect, it } from 'vitest';
import type { PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { getMethod } from '../../harness/registry/methods.ts';
import { prune } from './index.ts';

// A variant declared in magnitude-global's manifest: the same code, run at initialisation.
const manifest = getMethod('magnitude-init').manifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

// Initial weights of the 2-3-2 MLP (zero biases, as the engine initialises them).
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([-1.2, 0.4, 0.05, 0.9, -0.6, 1.5]),
  'fc1/bias': new Float32Array(3),
  'fc2/kernel': Float32Array.from([0.7, -0.3, 1.1, -0.02, 0.5, -0.8]),
  'fc2/bias': new Float32Array(2),
};

async function masksAt(sparsity: number) {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest });
  const result = (await prune(ctx)) as PruneResult;
  network.dispose();
  if (!('scores' in result)) throw new Error('magnitude-init must return scores');
  return masksFromScores(result.scores, names, shapes, sparsity, manifest.scope, 0);
}

describe('magnitude-init', () => {
  it('removes the smallest initial magnitudes across both layers', async () => {
    // |θ| in flat order: 1.2 0.4 0.05 0.9 0.6 1.5 | 0.7 0.3 1.1 0.02 0.5 0.8.
    // s = 0.5 keeps 6: 1.5 (5), 1.2 (0), 1.1 (8), 0.9 (3), 0.8 (11), 0.7 (6).
    const half = await masksAt(0.5);
    expect([...half['fc1/kernel']]).toEqual([1, 0, 0, 1, 0, 1]);
    expect([...half['fc2/kernel']]).toEqual([1, 0, 1, 0, 0, 1]);
    // s = 0.25 keeps 9: additionally 0.6 (4), 0.5 (10), 0.4 (1).
    const most = await masksAt(0.25);
    expect([...most['fc1/kernel']]).toEqual([1, 1, 0, 1, 1, 1]);
    expect([...most['fc2/kernel']]).toEqual([1, 0, 1, 0, 1, 1]);
  });

  it('keeps exactly the target count', async () => {
    for (const sparsity of [0.25, 0.5, 0.9]) expect(countKept(await masksAt(sparsity), names)).toBe(keepCountFor(12, sparsity));
  });
});
