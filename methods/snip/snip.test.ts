import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyMlpKernelGradients, tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

async function snipScores(sparsity: number, hyperparameters: Record<string, number>): Promise<WeightMap> {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, hyperparameters });
  const result = (await prune(ctx)) as PruneResult;
  network.dispose();
  if (!('scores' in result)) throw new Error('snip must return scores');
  return result.scores;
}

describe('snip', () => {
  const g = tinyMlpKernelGradients(weights, [...weights['fc1/kernel']], [...weights['fc2/kernel']]);
  const reference = {
    'fc1/kernel': Float32Array.from(g['fc1/kernel'], (v, i) => Math.abs(v * weights['fc1/kernel'][i])),
    'fc2/kernel': Float32Array.from(g['fc2/kernel'], (v, i) => Math.abs(v * weights['fc2/kernel'][i])),
  };

  it('scores |g ⊙ θ| with g the gradient of the mean loss on the batch', async () => {
    const scores = await snipScores(0.5, { batchSize: 4 });
    for (const name of names) [...scores[name]].forEach((s, i) => expect(s).toBeCloseTo(reference[name as keyof typeof reference][i], 6));
  });

  it('produces the hand-derived masks', async () => {
    // Reference sensitivities (flat): fc1 .1687 .0894 .1472 .1243 .0799 .0146 | fc2 .0605 .0346 .0083 .0099 .0845 .2536.
    // s = 0.5 keeps 6: flats 11, 0, 2, 3, 1, 10 (the 7th, flat 4 at .0799, is clear of .0845); s = 0.75 keeps 11, 0, 2.
    for (const [sparsity, mask] of [
      [0.5, [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1]],
      [0.75, [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
    ] as const) {
      const expected = masksFromScores(reference, names, shapes, sparsity, 'global', 0);
      expect([...expected['fc1/kernel'], ...expected['fc2/kernel']]).toEqual(mask);
      const masks = masksFromScores(await snipScores(sparsity, { batchSize: 4 }), names, shapes, sparsity, 'global', 0);
      expect([...masks['fc1/kernel'], ...masks['fc2/kernel']]).toEqual(mask);
    }
  });

  it('averages the gradient over batches before taking |g ⊙ θ|', async () => {
    // Two batches of 2 are one pass over the 4 points, so their mean gradient is the full-batch gradient.
    const split = await snipScores(0.5, { batches: 2, batchSize: 2 });
    for (const name of names) [...split[name]].forEach((s, i) => expect(s).toBeCloseTo(reference[name as keyof typeof reference][i], 6));
  });

  it('keeps exactly the target count', async () => {
    for (const sparsity of [0.25, 0.5, 0.9]) {
      const masks = masksFromScores(await snipScores(sparsity, { batchSize: 4 }), names, shapes, sparsity, manifest.scope, 0);
      expect(countKept(masks, names)).toBe(keepCountFor(12, sparsity));
    }
  });

  it('is refused a batch count below 1 by its manifest declaration', async () => {
    await expect(snipScores(0.5, { batches: 0 })).rejects.toThrow(/method 'snip': hyperparameter 'batches' = 0 must be ≥ 1/);
  });
});
