import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

// Trained-network weights for the 2-3-2 MLP; fc2's are an order of magnitude smaller than fc1's.
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
  if (!('scores' in result)) throw new Error('magnitude-global must return scores');
  return { scores: result.scores, masks: masksFromScores(result.scores, names, shapes, sparsity, manifest.scope, 0) };
}

describe('magnitude-global', () => {
  it('scores each weight by |θ|', async () => {
    const { scores } = await masksAt(0.5);
    expect([...scores['fc1/kernel']]).toEqual([...Float32Array.from([0.9, 0.1, 0.5, 0.7, 0.3, 0.05])]);
    expect([...scores['fc2/kernel']]).toEqual([...Float32Array.from([0.02, 0.08, 0.004, 0.06, 0.035, 0.015])]);
  });

  it('removes the smallest magnitudes across both layers', async () => {
    // s = 0.5 keeps 6: 0.9, 0.7, 0.5, 0.3, 0.1 from fc1, then fc2's 0.08 beats fc1's 0.05.
    const half = await masksAt(0.5);
    expect([...half.masks['fc1/kernel']]).toEqual([1, 1, 1, 1, 1, 0]);
    expect([...half.masks['fc2/kernel']]).toEqual([0, 1, 0, 0, 0, 0]);
    // s = 0.75 keeps 3: 0.9, 0.7, 0.5, all in fc1; fc2 is emptied.
    const quarter = await masksAt(0.75);
    expect([...quarter.masks['fc1/kernel']]).toEqual([1, 0, 1, 1, 0, 0]);
    expect([...quarter.masks['fc2/kernel']]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('keeps exactly the target count', async () => {
    for (const sparsity of [0.25, 0.5, 0.9]) expect(countKept((await masksAt(sparsity)).masks, names)).toBe(keepCountFor(12, sparsity));
  });
});
