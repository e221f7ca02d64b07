import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MaskMap, MethodManifest, PruneContext, PruneResult, TrainingRecipe, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyMlpKernelGradients, tinyPruneContext, tinyRecipe } from '../../harness/testing/tiny-context.ts';
import { movementSparsity, prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

// No preactivation of the four tiny points is near 0 under any of the masks below.
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

const kernelGradients = (k1: number[], k2: number[]) => tinyMlpKernelGradients(weights, k1, k2);

/** Indicator of the `keep` largest values, ties to the lowest index. */
function topByValue(values: number[], keep: number): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  const mask = values.map(() => 0);
  for (const i of order.slice(0, keep)) mask[i] = 1;
  return mask;
}

/**
 * Movement pruning by hand with a learning rate of 0, one full-batch step per epoch: the weights
 * only change by masking (pruned ones become 0 for good), S −= (M ⊙ ∂L/∂W′) ⊙ W before each mask update.
 */
function referenceMovement(keepPerStep: number[]) {
  const stored: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, [...weights[n]]]));
  const mask: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, new Array<number>(6).fill(1)]));
  const scores: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, new Array<number>(6).fill(0)]));
  const masks: Array<Record<string, number[]>> = [];
  for (const keep of keepPerStep) {
    const gradient = kernelGradients(stored['fc1/kernel'], stored['fc2/kernel']);
    for (const n of names) {
      for (let i = 0; i < 6; i++) scores[n][i] -= mask[n][i] * gradient[n][i] * stored[n][i];
      mask[n] = topByValue(scores[n], keep);
      stored[n] = stored[n].map((w, i) => w * mask[n][i]);
    }
    masks.push(Object.fromEntries(names.map((n) => [n, [...mask[n]]])));
  }
  return { scores, masks };
}

async function runMovement(sparsity: number, recipe: TrainingRecipe, hyperparameters: Record<string, number | string>) {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, recipe, hyperparameters });
  const installed: MaskMap[] = [];
  const spy: PruneContext = {
    ...ctx,
    setMasks: (masks) => {
      installed.push(masks);
      ctx.setMasks(masks);
    },
  };
  try {
    const result = (await prune(spy)) as PruneResult;
    if (!('scores' in result)) throw new Error('movement must return scores');
    return { scores: result.scores, installed };
  } finally {
    network.dispose();
  }
}

describe('movement', () => {
  it("follows Sanh et al.'s schedule: dense warm-up, cubic ramp, cool-down at the target", () => {
    // 100 steps, warm-up 10, cool-down 20: the ramp spans steps 10..80 (70 steps).
    expect(movementSparsity(10, 100, 0.9, 10, 20)).toBe(0);
    expect(movementSparsity(11, 100, 0.9, 10, 20)).toBeCloseTo(0.9 * (1 - (69 / 70) ** 3), 12);
    expect(movementSparsity(45, 100, 0.9, 10, 20)).toBeCloseTo(0.9 * (7 / 8), 12);
    expect(movementSparsity(80, 100, 0.9, 10, 20)).toBeCloseTo(0.9, 12);
    expect(movementSparsity(81, 100, 0.9, 10, 20)).toBe(0.9);
    expect(movementSparsity(100, 100, 0.9, 0, 0)).toBe(0.9);
  });

  it('accumulates S = −Σ (∂L/∂W)·W and masks each layer to its top scores, matching the hand computation', async () => {
    // 3 full-batch steps, no warm-up: s_t = 0.5·(1 − (1 − t/3)³) = 0.352, 0.481, 0.5, so each layer keeps 6 − round(6·s_t) = 4, 3, 3.
    const reference = referenceMovement([4, 3, 3]);
    const { scores, installed } = await runMovement(
      0.5,
      { ...tinyRecipe, learningRate: 0, epochs: 3 },
      { epochs: 'recipe.epochs', initialWarmupFraction: 0, finalWarmupFraction: 0 },
    );
    for (const n of names) scores[n].forEach((s, i) => expect(s).toBeCloseTo(reference.scores[n][i], 6));
    // The reference's kept and dropped scores are far apart, so float32 cannot reorder them.
    for (const n of names) {
      const sorted = [...reference.scores[n]].sort((a, b) => b - a);
      expect(sorted[2] - sorted[3]).toBeGreaterThan(1e-4);
    }
    expect(installed.map((m) => Object.fromEntries(names.map((n) => [n, [...m[n]]])))).toEqual(reference.masks);
    const final = masksFromScores(scores, names, shapes, 0.5, 'layerwise', 0);
    expect(Object.fromEntries(names.map((n) => [n, [...final[n]]]))).toEqual(reference.masks[2]);
  });

  it("masks the cool-down to the harness's top-k of the returned scores, at the exact count per layer", async () => {
    for (const sparsity of [0.3, 0.5, 0.8]) {
      const { scores, installed } = await runMovement(
        sparsity,
        { ...tinyRecipe, batchSize: 1, epochs: 3 },
        { epochs: 'recipe.epochs', initialWarmupFraction: 0.1, finalWarmupFraction: 0.2 },
      );
      const final = masksFromScores(scores, names, shapes, sparsity, manifest.scope, 0);
      for (const n of names) expect(countKept(final, [n])).toBe(keepCountFor(6, sparsity));
      const last = installed[installed.length - 1];
      for (const n of names) expect([...last[n]]).toEqual([...final[n]]);
    }
  });
});
