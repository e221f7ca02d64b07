import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/rng.ts';
import type { MaskMap, MethodManifest, PruneResult, TrainingRecipe, WeightMap } from '../../api/method-api.ts';
import {
  cosineDropFraction,
  dropAndGrow,
  dropCount,
  dropGrowSteps,
  dropSmallest,
  regrow,
  trainWithDropGrow,
} from '../../api/method-kit/drop-grow.ts';
import { countKept, keepCountFor } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext, tinyRecipe } from '../../harness/testing/tiny-context.ts';
import { prune, randomGrowScores, readSettings } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];

// Twelve distinct magnitudes.
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.77, -0.67, 0.2, 0.87, 0.07, 0.13]),
  'fc1/bias': Float32Array.from([0.1, -0.1, 0.05]),
  'fc2/kernel': Float32Array.from([-0.79, 0.04, -0.93, 0.83, -0.85, -0.44]),
  'fc2/bias': Float32Array.from([0.2, -0.2]),
};

// Batches of 1 on the four tiny points: 4 steps per epoch.
const stepwise: TrainingRecipe = { ...tinyRecipe, batchSize: 1 };

async function runSet(
  sparsity: number,
  hyperparameters: Record<string, number | boolean>,
  recipe: TrainingRecipe,
  seed = 0,
  start = weights,
) {
  const { ctx, network } = await tinyPruneContext({ weights: start, sparsity, manifest, hyperparameters, recipe, seed });
  try {
    const result = (await prune(ctx)) as PruneResult;
    if (!('masks' in result)) throw new Error('set must return masks');
    return { masks: result.masks, after: network.getWeights() };
  } finally {
    network.dispose();
  }
}

const asLists = (masks: MaskMap) => names.map((n) => [...masks[n]]);

describe('set', () => {
  it('schedules updates every ΔT strictly before the end, with a cosine-decayed ⌊ζ_t·active⌋', () => {
    // T = 100, 20 steps per epoch, ΔT = 0.25 epoch = 5 steps, end = 75: steps 5, 10, …, 70.
    expect(dropGrowSteps(100, 20, 0.25, 0.75)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70]);
    // An update at the last step could grow weights that never train: end = T excludes it.
    expect(dropGrowSteps(8, 4, 1, 1)).toEqual([4]);
    // ΔT rounds to at least one step.
    expect(dropGrowSteps(6, 2, 0.1, 1)).toEqual([1, 2, 3, 4, 5]);
    // ζ/2·(1 + cos(πt/T_end)): ζ at 0, ζ/2 halfway, 0 at the end.
    expect(cosineDropFraction(0, 12, 0.3)).toBeCloseTo(0.3, 12);
    expect(cosineDropFraction(6, 12, 0.3)).toBeCloseTo(0.15, 12);
    expect(cosineDropFraction(4, 12, 0.3)).toBeCloseTo(0.225, 12);
    expect(cosineDropFraction(12, 12, 0.3)).toBeCloseTo(0, 12);
    // ⌊0.225·10⌋ = 2, ⌊0.3·10⌋ = 3, ⌊0.15·3⌋ = 0.
    expect([dropCount(0.225, 10), dropCount(0.3, 10), dropCount(0.15, 3)]).toEqual([2, 3, 0]);
  });

  it('drops the smallest active magnitudes and grows the best-scored inactive positions', () => {
    const mask = Float32Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
    const w = Float32Array.from([0.5, -0.1, 0.3, 0.2, 0, 0, 0, 0]);
    const scores = Float32Array.from([9, 1, 8, 7, 2, 6, 3, 5]);
    // Drop 2: |θ| 0.1 (1) and 0.2 (3). Candidates 1, 3..7 score 1, 7, 2, 6, 3, 5: grow 3 (just dropped) and 5.
    expect([...dropAndGrow(mask, w, scores, 2)]).toEqual([1, 0, 1, 1, 0, 1, 0, 0]);
    // Drop 1, |θ| 0.1 (1); candidates 1, 4..7 score 1, 2, 6, 3, 5: grow 5.
    expect([...dropAndGrow(mask, w, scores, 1)]).toEqual([1, 0, 1, 1, 0, 1, 0, 0]);
    expect([...dropAndGrow(mask, w, scores, 0)]).toEqual([...mask]);
    // Dropping all 4 leaves the 8 positions to the 4 best scores: 0, 2, 3, 5.
    expect([...dropAndGrow(mask, w, scores, 4)]).toEqual([1, 0, 1, 1, 0, 1, 0, 0]);
  });

  it('grows at uniformly random positions: the seeded permutation decides', () => {
    const ctx = { rng: new Rng(0), network: { parameters: [{ name: 'fc1/kernel', shape: [2, 3] }] } } as unknown as Parameters<
      typeof randomGrowScores
    >[0];
    // Fork grow:1:fc1/kernel permutes 0..5 as 5, 4, 3, 0, 2, 1: position 5 scores 6, 4 scores 5, …, 1 scores 1.
    expect([...new Rng(0).fork('grow:1:fc1/kernel').permutation(6)]).toEqual([5, 4, 3, 0, 2, 1]);
    expect([...randomGrowScores(ctx, 1, ['fc1/kernel'])['fc1/kernel']]).toEqual([3, 1, 2, 4, 5, 6]);
  });

  it("after one update on the tiny MLP (learning rate 0) leaves the hand-derived masks and weights (s = 0.5, the paper's growth)", async () => {
    // T = 8 steps, ΔT = 0.25 epoch = 1 step, end = round(0.375·8) = 3: updates at steps 1 and 2 with
    // ζ_1 = ½(1 + cos(π/3)) = 0.75 → ⌊0.75·3⌋ = 2 and ζ_2 = ½(1 + cos(2π/3)) = 0.25 → ⌊0.75⌋ = 0.
    // ERK on [2,3] and [3,2] (Σdims 5 each) keeps 3 + 3. The method's generator is the job's fork 'method'.
    const draws = (seed: number, label: string) => [...new Rng(seed).fork('method').fork(label).permutation(6)];
    const hyperparameters = { dropFraction: 1, intervalEpochs: 0.25, endFraction: 0.375, growTrainableOnly: false };
    const recipe = { ...stepwise, learningRate: 0 };

    // Seed 0. subset:fc1/kernel permutes 1, 4, 0, … → {0, 1, 4}; subset:fc2/kernel 3, 4, 2, … → {2, 3, 4}.
    // fc1 active |θ| 0.77 (0), 0.67 (1), 0.07 (4): drop 4 and 1. Candidates 1..5 in grow:1:fc1/kernel's
    // order 5, 2, 1, …: grow 5 and 2, both new, at 0. fc2 active |θ| 0.93 (2), 0.83 (3), 0.85 (4): drop 3
    // and 4. Candidates 0, 1, 3, 4, 5 in grow:1:fc2/kernel's order 5, 2, 0, …: grow 5 and 0, at 0.
    expect([draws(0, 'subset:fc1/kernel').slice(0, 3), draws(0, 'subset:fc2/kernel').slice(0, 3)]).toEqual([
      [1, 4, 0],
      [3, 4, 2],
    ]);
    expect([draws(0, 'grow:1:fc1/kernel').slice(0, 3), draws(0, 'grow:1:fc2/kernel').slice(0, 3)]).toEqual([
      [5, 2, 1],
      [5, 2, 0],
    ]);
    const seed0 = await runSet(0.5, hyperparameters, recipe, 0);
    expect(asLists(seed0.masks)).toEqual([
      [1, 0, 1, 0, 0, 1],
      [1, 0, 1, 0, 0, 1],
    ]);
    expect([...seed0.after['fc1/kernel']]).toEqual([Math.fround(0.77), 0, 0, 0, 0, 0]);
    expect([...seed0.after['fc2/kernel']]).toEqual([0, 0, Math.fround(-0.93), 0, 0, 0]);

    // Seed 1. fc1 starts {0, 3, 5}: |θ| 0.77, 0.87, 0.13, drop 5 and 0; grow:1:fc1/kernel's order 5, 0, …
    // grows both back, with their values. fc2 starts {0, 4, 5}: |θ| 0.79, 0.85, 0.44, drop 5 and 0;
    // grow:1:fc2/kernel's order 3, 0, … grows 3 (new, at 0) and 0 (back, keeps −0.79).
    expect([draws(1, 'subset:fc1/kernel').slice(0, 3), draws(1, 'subset:fc2/kernel').slice(0, 3)]).toEqual([
      [5, 3, 0],
      [0, 4, 5],
    ]);
    expect([draws(1, 'grow:1:fc1/kernel').slice(0, 2), draws(1, 'grow:1:fc2/kernel').slice(0, 2)]).toEqual([
      [5, 0],
      [3, 0],
    ]);
    const seed1 = await runSet(0.5, hyperparameters, recipe, 1);
    expect(asLists(seed1.masks)).toEqual([
      [1, 0, 0, 1, 0, 1],
      [1, 0, 0, 1, 1, 0],
    ]);
    expect([...seed1.after['fc1/kernel']]).toEqual([Math.fround(0.77), 0, 0, Math.fround(0.87), 0, Math.fround(0.13)]);
    expect([...seed1.after['fc2/kernel']]).toEqual([Math.fround(-0.79), 0, 0, 0, Math.fround(-0.85), 0]);
  });

  it('grows only eligible positions and keeps back the largest dropped weights when too few are', () => {
    const mask = Float32Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
    const w = Float32Array.from([0.5, -0.1, 0.3, 0.2, 0, 0, 0, 0]);
    const scores = Float32Array.from([9, 1, 8, 7, 2, 6, 3, 5]);
    // Drop 3: 0.1 (1), 0.2 (3), 0.3 (2), keeping 0. Eligible 4 and 6 only (scores 2, 3): both grow, and
    // the third place goes back to the largest dropped, 0.3 (2).
    const survivors = dropSmallest(mask, w, 3);
    expect([...survivors]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    const eligible = Float32Array.from([0, 0, 0, 0, 1, 0, 1, 0]);
    const { mask: next, keptBack } = regrow(mask, survivors, w, scores, 3, eligible);
    expect([...next]).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
    expect(keptBack).toBe(1);
    // Nothing eligible: the update changes nothing.
    expect([...dropAndGrow(mask, w, scores, 3, new Float32Array(8))]).toEqual([...mask]);
    // A dropped weight competes like any eligible candidate: drop 2, 0.1 (1) and 0.2 (3); of eligible 3, 4, 6
    // (scores 7, 2, 3) grow 3 (back) and 6.
    expect([...dropAndGrow(mask, w, scores, 2, Float32Array.from([0, 0, 0, 1, 1, 0, 1, 0]))]).toEqual([1, 0, 1, 1, 0, 0, 1, 0]);
  });

  it('does not grow where no gradient reaches after the drop (dead units, a unit with no output)', async () => {
    // Full batches of the 4 points, 1 step per epoch: T = 8, ΔT = 1, end = 3; updates at steps 1 and 2
    // as above (drop 2 per layer, then 0). Seed 0's masks fc1 {0, 1, 4}, fc2 {2, 3, 4}; unit 2's bias is −0.05.
    // fc1 drops 4 and 1 (|θ| 0.07, 0.67), fc2 drops 3 and 4 (0.83, 0.85): fc1 keeps x0 → unit 0 (0.77),
    // fc2 unit 1 → out 0 (−0.93). After the drop unit 1 (z = −0.1) and unit 2 (z = −0.05) are 0 on every
    // point and unit 0 has no output, so no fc1 weight has a gradient and fc2 has one only in unit 0's row
    // (0, 1), where h_0 = 0.87, 0.1, 0.87, 0 on the four points.
    // fc1 can grow nothing: its two dropped weights are kept back, with their values. fc2 grows its only
    // trainable candidates 0 and 1, at 0 (the random order alone, 5, 2, 0, would take 5 and 0).
    const deadUnit = { ...weights, 'fc1/bias': Float32Array.from([0.1, -0.1, -0.05]) };
    const recipe = { ...tinyRecipe, batchSize: 4, epochs: 8, learningRate: 0 };
    const hyperparameters = { dropFraction: 1, intervalEpochs: 1, endFraction: 0.375 };
    const trainable = await runSet(0.5, hyperparameters, recipe, 0, deadUnit);
    expect(asLists(trainable.masks)).toEqual([
      [1, 1, 0, 0, 1, 0],
      [1, 1, 1, 0, 0, 0],
    ]);
    expect([...trainable.after['fc1/kernel']]).toEqual([Math.fround(0.77), Math.fround(-0.67), 0, 0, Math.fround(0.07), 0]);
    expect([...trainable.after['fc2/kernel']]).toEqual([0, 0, Math.fround(-0.93), 0, 0, 0]);
    // The paper's growth takes the random order alone: fc1 5, 2 and fc2 5, 0, as with seed 0 above.
    const plain = await runSet(0.5, { ...hyperparameters, growTrainableOnly: false }, recipe, 0, deadUnit);
    expect(asLists(plain.masks)).toEqual([
      [1, 0, 1, 0, 0, 1],
      [1, 0, 1, 0, 0, 1],
    ]);
  });

  it('drops and grows the hand-computed counts per update (s = 0.25)', async () => {
    // Keep 9: ERK gives 4.5 + 4.5, floors 4 + 4, the last to the earlier layer: 5 + 4.
    // T = 16 (4 epochs of 4 steps), ΔT = 2, end = 12: updates at 2, 4, 6, 8, 10 with ζ_t = ½(1 + cos(πt/12)):
    // 0.933, 0.75, 0.5, 0.25, 0.067 → fc1 ⌊·5⌋ = 4, 3, 2, 1, 0 and fc2 ⌊·4⌋ = 3, 3, 2, 1, 0.
    const { ctx, network } = await tinyPruneContext({
      weights,
      sparsity: 0.25,
      manifest,
      hyperparameters: { dropFraction: 1, intervalEpochs: 0.5 },
      recipe: { ...stepwise, epochs: 4 },
    });
    try {
      const calls: number[] = [];
      const { masks, events } = trainWithDropGrow(
        ctx,
        readSettings(ctx),
        (step, layers) => (calls.push(step), { scores: randomGrowScores(ctx, step, layers) }),
        'set',
      );
      expect(events.map((e) => e.step)).toEqual([2, 4, 6, 8, 10]);
      expect(events.map((e) => e.counts)).toEqual([
        [4, 3],
        [3, 3],
        [2, 2],
        [1, 1],
        [0, 0],
      ]);
      // No growth scores are drawn for an update that moves nothing.
      expect(calls).toEqual([2, 4, 6, 8]);
      expect(names.map((n) => masks[n].reduce((a, b) => a + b, 0))).toEqual([5, 4]);
    } finally {
      network.dispose();
    }
  });

  it('keeps every layer count and the exact total while training, and is seeded', async () => {
    const recipe = { ...stepwise, epochs: 4 };
    for (const sparsity of [0.3, 0.5, 0.8]) {
      const { masks, after } = await runSet(sparsity, { intervalEpochs: 0.5, dropFraction: 0.5 }, recipe);
      expect(countKept(masks, names)).toBe(keepCountFor(12, sparsity));
      for (const name of names) expect([...after[name]].filter((w, i) => masks[name][i] === 0 && w !== 0)).toEqual([]);
    }
    const again = await runSet(0.5, { intervalEpochs: 0.5 }, recipe);
    expect(asLists(again.masks)).toEqual(asLists((await runSet(0.5, { intervalEpochs: 0.5 }, recipe)).masks));
    // Seed 1 starts from fc1 {0, 3, 5} instead of seed 0's {0, 1, 4}.
    const other = await runSet(0.5, { intervalEpochs: 0.5 }, recipe, 1);
    expect(asLists(other.masks)).not.toEqual(asLists(again.masks));
  });
});
