import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MaskMap, MethodManifest, PruneResult, TrainingRecipe, WeightMap } from '../../api/method-api.ts';
import { denseGradientsAt, trainWithDropGrow } from '../../api/method-kit/drop-grow.ts';
import { countKept, keepCountFor } from '../../harness/prune/mask-selection.ts';
import { tinyClassificationData, tinyPruneContext, tinyRecipe } from '../../harness/testing/tiny-context.ts';
import { gradientMagnitudes, prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];

// Twelve distinct magnitudes.
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.77, -0.67, 0.2, 0.87, 0.07, 0.13]),
  'fc1/bias': Float32Array.from([0.1, -0.1, 0.05]),
  'fc2/kernel': Float32Array.from([-0.79, 0.04, -0.93, 0.83, -0.85, -0.44]),
  'fc2/bias': Float32Array.from([0.2, -0.2]),
};

/** Mean softmax cross-entropy gradient of the 2-3-2 ReLU MLP on the four tiny points, by hand in float64. */
function referenceGradient(fc1: ArrayLike<number>, fc2: ArrayLike<number>): { fc1: number[]; fc2: number[] } {
  const data = tinyClassificationData();
  const g1 = new Array<number>(6).fill(0);
  const g2 = new Array<number>(6).fill(0);
  for (let b = 0; b < 4; b++) {
    const x = [data.x[2 * b], data.x[2 * b + 1]];
    const z = [0, 1, 2].map((j) => x[0] * fc1[j] + x[1] * fc1[3 + j] + weights['fc1/bias'][j]);
    const h = z.map((v) => Math.max(0, v));
    const o = [0, 1].map((k) => h.reduce((s, hj, j) => s + hj * fc2[2 * j + k], weights['fc2/bias'][k]));
    const partition = Math.exp(o[0]) + Math.exp(o[1]);
    const dO = [0, 1].map((k) => (Math.exp(o[k]) / partition - (data.y[b] === k ? 1 : 0)) / 4);
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 2; k++) g2[2 * j + k] += h[j] * dO[k];
      const dZ = z[j] > 0 ? dO[0] * fc2[2 * j] + dO[1] * fc2[2 * j + 1] : 0;
      for (let i = 0; i < 2; i++) g1[3 * i + j] += x[i] * dZ;
    }
  }
  return { fc1: g1, fc2: g2 };
}

const masked = (w: Float32Array, mask: number[]) => Float32Array.from(w, (v, i) => v * mask[i]);
const asLists = (masks: MaskMap) => names.map((n) => [...masks[n]]);

async function runRigl(sparsity: number, hyperparameters: Record<string, number>, recipe: TrainingRecipe, seed = 0) {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, hyperparameters, recipe, seed });
  try {
    const result = (await prune(ctx)) as PruneResult;
    if (!('masks' in result)) throw new Error('rigl must return masks');
    return { masks: result.masks, after: network.getWeights() };
  } finally {
    network.dispose();
  }
}

// Full batches of the four points (one step per epoch), so the seeded gradient batch is all of them.
const fullBatch: TrainingRecipe = { ...tinyRecipe, batchSize: 4, epochs: 8, learningRate: 0 };

describe('rigl', () => {
  // After seed 1's first drop (below): fc1 keeps 0 and 3, fc2 keeps 0 and 4.
  const afterDrop = { fc1: [1, 0, 0, 1, 0, 0], fc2: [1, 0, 0, 0, 1, 0] };

  it('takes the dense gradient at the given weights with the masks lifted, and restores the masks', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest, recipe: fullBatch });
    try {
      const sparseMasks = { 'fc1/kernel': Float32Array.from(afterDrop.fc1), 'fc2/kernel': Float32Array.from(afterDrop.fc2) };
      ctx.setMasks(sparseMasks);
      const at = { 'fc1/kernel': masked(weights['fc1/kernel'], afterDrop.fc1), 'fc2/kernel': masked(weights['fc2/kernel'], afterDrop.fc2) };
      const gradients = denseGradientsAt(ctx, names, at);
      const reference = referenceGradient(at['fc1/kernel'], at['fc2/kernel']);
      [...gradients['fc1/kernel']].forEach((g, i) => expect(g).toBeCloseTo(reference.fc1[i], 6));
      [...gradients['fc2/kernel']].forEach((g, i) => expect(g).toBeCloseTo(reference.fc2[i], 6));
      // Inactive positions get their gradient (e.g. fc1 2: 0.4047), not the masked 0.
      expect(Math.abs(gradients['fc1/kernel'][2])).toBeGreaterThan(0.4);
      expect(asLists(ctx.network.getMasks())).toEqual([afterDrop.fc1, afterDrop.fc2]);
      expect([...gradientMagnitudes({ a: Float32Array.from([-0.5, 0, 0.25]) }).a]).toEqual([0.5, 0, 0.25]);
    } finally {
      network.dispose();
    }
  });

  it('grows where the dense gradient is largest after one update (learning rate 0, s = 0.5)', async () => {
    // T = 8 one-step epochs, ΔT = 1, end = round(0.375·8) = 3: updates at 1 and 2 with α_1 = 0.5·½(1 + cos(π/3))
    // = 0.375 → ⌊0.375·3⌋ = 1 per layer, α_2 = 0.5·0.25 → ⌊0.375⌋ = 0. ERK keeps 3 + 3; seed 1's subsets
    // (the job's fork 'method', then subset:<layer>) are fc1 {0, 3, 5}, fc2 {0, 4, 5}, as in the SET test.
    // fc1 drops its smallest |θ|, 0.13 (5); fc2 its 0.44 (5). At the weights left, by hand:
    //   ∂L/∂fc1 = 0.2599, 0, 0.4047, 0.0662, 0, 0.0087 (unit 1 has no input: z = −0.1, ReLU′ = 0),
    //   ∂L/∂fc2 = −0.3492, 0.3492, 0, 0, −0.0041, 0.0041 (h_1 = 0).
    // fc1 candidates 1, 2, 4, 5 have |g| 0, 0.4047, 0, 0.0087: grow 2 (a masked gradient would tie at 0 and
    // grow 1). fc2 candidates 1, 2, 3, 5 have 0.3492, 0, 0, 0.0041: grow 1. Both start at 0.
    const reference = referenceGradient(masked(weights['fc1/kernel'], afterDrop.fc1), masked(weights['fc2/kernel'], afterDrop.fc2));
    const largestAmong = (g: number[], candidates: number[]) =>
      candidates.reduce((best, i) => (Math.abs(g[i]) > Math.abs(g[best]) ? i : best));
    expect([largestAmong(reference.fc1, [1, 2, 4, 5]), largestAmong(reference.fc2, [1, 2, 3, 5])]).toEqual([2, 1]);
    const { masks, after } = await runRigl(0.5, { dropFraction: 0.5, intervalEpochs: 1, endFraction: 0.375 }, fullBatch, 1);
    expect(asLists(masks)).toEqual([
      [1, 0, 1, 1, 0, 0],
      [1, 1, 0, 0, 1, 0],
    ]);
    expect([...after['fc1/kernel']]).toEqual([Math.fround(0.77), 0, 0, Math.fround(0.87), 0, 0]);
    expect([...after['fc2/kernel']]).toEqual([Math.fround(-0.79), 0, 0, 0, Math.fround(-0.85), 0]);
  });

  it('keeps dropped weights back rather than grow where the gradient is 0 (learning rate 0, s = 0.5)', async () => {
    // Seed 0's subsets fc1 {0, 1, 4}, fc2 {2, 3, 4}; dropFraction 1: α_1 = 0.75 → drop 2 per layer.
    // fc1 drops 4 and 1 (|θ| 0.07, 0.67), fc2 drops 3 and 4 (0.83, 0.85). At the weights left, by hand:
    //   ∂L/∂fc1 = 0 everywhere (unit 0 has no output, unit 1 has no input: z = −0.1; unit 2 has no output),
    //   ∂L/∂fc2 = −0.1596, 0.1596, 0, 0, 0.0049, −0.0049 (h_1 = 0; h_2 = 0.05).
    // fc1 has no candidate with a gradient: both dropped weights stay, with their values. fc2 grows the two
    // largest of candidates 0, 1, 3, 4, 5: 0 and 1 (0.1596 each), at 0.
    const reference = referenceGradient(
      masked(weights['fc1/kernel'], [1, 0, 0, 0, 0, 0]),
      masked(weights['fc2/kernel'], [0, 0, 1, 0, 0, 0]),
    );
    expect(reference.fc1.every((g) => g === 0)).toBe(true);
    expect(reference.fc2.map((g) => Math.abs(g) > 0.1)).toEqual([true, true, false, false, false, false]);
    const { masks, after } = await runRigl(0.5, { dropFraction: 1, intervalEpochs: 1, endFraction: 0.375 }, fullBatch, 0);
    expect(asLists(masks)).toEqual([
      [1, 1, 0, 0, 1, 0],
      [1, 1, 1, 0, 0, 0],
    ]);
    expect([...after['fc1/kernel']]).toEqual([Math.fround(0.77), Math.fround(-0.67), 0, 0, Math.fround(0.07), 0]);
    expect([...after['fc2/kernel']]).toEqual([0, 0, Math.fround(-0.93), 0, 0, 0]);
  });

  it('drops and grows the hand-computed counts per update, and stops at 75% by default (s = 0.25)', async () => {
    // Keep 9: ERK 5 + 4. T = 16 (4 epochs of 4 one-sample steps), ΔT = 0.5 epoch = 2, end = 0.75·16 = 12:
    // updates at 2, 4, 6, 8, 10 with α_t = 0.3·½(1 + cos(πt/12)) = 0.280, 0.225, 0.15, 0.075, 0.020 →
    // fc1 ⌊·5⌋ = 1, 1, 0, 0, 0 and fc2 ⌊·4⌋ = 1, 0, 0, 0, 0.
    const recipe = { ...tinyRecipe, batchSize: 1, epochs: 4 };
    const { ctx, network } = await tinyPruneContext({
      weights,
      sparsity: 0.25,
      manifest,
      hyperparameters: { intervalEpochs: 0.5 },
      recipe,
    });
    try {
      const settings = { epochs: 4, intervalEpochs: 0.5, endFraction: 0.75, dropFraction: 0.3 };
      const { masks, events } = trainWithDropGrow(
        ctx,
        settings,
        (_s, layers, w) => ({ scores: gradientMagnitudes(denseGradientsAt(ctx, layers, w)) }),
        'rigl',
      );
      expect(events.map((e) => e.step)).toEqual([2, 4, 6, 8, 10]);
      expect(events.map((e) => e.counts)).toEqual([
        [1, 1],
        [1, 0],
        [0, 0],
        [0, 0],
        [0, 0],
      ]);
      expect(events.every((e) => e.keptBack.every((k) => k === 0))).toBe(true);
      expect(names.map((n) => masks[n].reduce((a, b) => a + b, 0))).toEqual([5, 4]);
    } finally {
      network.dispose();
    }
  });

  it('keeps the exact total and zeroes every inactive weight while training, and is seeded', async () => {
    const recipe = { ...tinyRecipe, batchSize: 1, epochs: 4 };
    for (const sparsity of [0.3, 0.5, 0.8]) {
      const { masks, after } = await runRigl(sparsity, { intervalEpochs: 0.5, dropFraction: 0.5 }, recipe);
      expect(countKept(masks, names)).toBe(keepCountFor(12, sparsity));
      for (const name of names) expect([...after[name]].filter((w, i) => masks[name][i] === 0 && w !== 0)).toEqual([]);
    }
    const first = await runRigl(0.5, { intervalEpochs: 0.5 }, recipe);
    const again = await runRigl(0.5, { intervalEpochs: 0.5 }, recipe);
    expect(asLists(again.masks)).toEqual(asLists(first.masks));
    expect(asLists((await runRigl(0.5, { intervalEpochs: 0.5 }, recipe, 1)).masks)).not.toEqual(asLists(first.masks));
  });

  it('declares the paper defaults: α = 0.3, T_end = 75%', () => {
    expect(manifest.hyperparameters.dropFraction.default).toBe(0.3);
    expect(manifest.hyperparameters.endFraction.default).toBe(0.75);
  });
});
