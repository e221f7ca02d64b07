import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type {
  MaskMap,
  MethodManifest,
  PruneContext,
  PruneResult,
  TrainingRecipe,
  TrainingResult,
  WeightMap,
} from '../../api/method-api.ts';
import { countKept, keepCountFor } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext, tinyRecipe } from '../../harness/testing/tiny-context.ts';
import { deathRateAt, granetSchedule, prune, pruneAndRegrow } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];

// Twelve distinct magnitudes; no preactivation of the four tiny points is closer than 0.03 to 0 in the states below.
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.77, -0.67, 0.2, 0.87, 0.07, 0.13]),
  'fc1/bias': Float32Array.from([0.1, -0.1, 0.05]),
  'fc2/kernel': Float32Array.from([-0.79, 0.04, -0.93, 0.83, -0.85, -0.44]),
  'fc2/bias': Float32Array.from([0.2, -0.2]),
};

async function runGranet(sparsity: number, hyperparameters: Record<string, number | string>, recipe: TrainingRecipe) {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, hyperparameters, recipe });
  let training: TrainingResult | null = null;
  const spy: PruneContext = { ...ctx, train: (options) => (training = ctx.train(options)) };
  try {
    const result = (await prune(spy)) as PruneResult;
    if (!('masks' in result)) throw new Error('granet must return masks');
    return { masks: result.masks, after: network.getWeights(), training: training as TrainingResult | null };
  } finally {
    network.dispose();
  }
}

const asLists = (masks: MaskMap) => names.map((n) => [...masks[n]]);

describe('granet', () => {
  it('prunes the smallest active magnitudes and regrows the largest inactive gradients', () => {
    const mask = Float32Array.from([1, 1, 1, 1, 0, 0, 0, 0]);
    const w = Float32Array.from([0.5, -0.1, 0.3, 0.2, 0, 0, 0, 0]);
    const g = Float32Array.from([0.9, -0.05, 0.7, 0.6, -0.6, 0.1, 0.6, 0.2]);
    // rate 0.5 of 4 active: remove 2, |θ| 0.1 (1) and 0.2 (3), keeping 0 and 2. Candidates 1, 3..7
    // have |g| 0.05, 0.6, 0.6, 0.1, 0.6, 0.2: a three-way tie at 0.6 goes to the lowest indices 3
    // (just removed, regrown) and 4.
    expect([...pruneAndRegrow(mask, w, g, 0.5)]).toEqual([1, 0, 1, 1, 1, 0, 0, 0]);
    // ceil(0.3·4) = 2 as well; a rate of 0 changes nothing.
    expect([...pruneAndRegrow(mask, w, g, 0.3)]).toEqual([1, 0, 1, 1, 1, 0, 0, 0]);
    expect([...pruneAndRegrow(mask, w, g, 0)]).toEqual([...mask]);
    // ceil(0.1·4) = 1: remove 0.1 (1); the largest candidate |g| 0.6 is at 3, 4 and 6, but 3 is active.
    expect([...pruneAndRegrow(mask, w, g, 0.1)]).toEqual([1, 0, 1, 1, 1, 0, 0, 0]);
  });

  it('schedules cubic global pruning and cosine-decayed regrowth', () => {
    // 100 steps of 20 per epoch, Δt = 5 steps, pruning over steps 0..30 (n = 6), regrowth to step 40.
    const settings = {
      initialSparsity: 0,
      finalSparsity: 0.9,
      startFraction: 0,
      endFraction: 0.3,
      intervalEpochs: 0.25,
      regrowthEndFraction: 0.4,
    };
    const events = granetSchedule(100, 20, settings);
    expect(events.map((e) => e.step)).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40]);
    events.slice(0, 7).forEach((e, k) => expect(e.sparsity).toBeCloseTo(0.9 * (1 - (1 - k / 6) ** 3), 12));
    expect(events[6].sparsity).toBe(0.9);
    expect(events.slice(7).map((e) => e.sparsity)).toEqual([null, null]);
    expect(events.every((e) => e.regrowth)).toBe(true);
    const shortRegrowth = granetSchedule(100, 20, { ...settings, regrowthEndFraction: 0.2 });
    expect(shortRegrowth.map((e) => e.regrowth)).toEqual([true, true, true, true, true, false, false]);
    // r_t = 0.005 + (r_0 − 0.005)(1 + cos(πt/T))/2.
    expect(deathRateAt(0, 100, 0.5)).toBeCloseTo(0.5, 12);
    expect(deathRateAt(50, 100, 0.5)).toBeCloseTo(0.2525, 12);
    expect(deathRateAt(100, 100, 0.5)).toBeCloseTo(0.005, 12);
    expect(deathRateAt(30, 100, 0)).toBe(0);
  });

  it('with a learning rate of 0 prunes globally, then swaps by magnitude and dense gradient (s = 0.5)', async () => {
    // Two full-batch steps. Step 1: prune to s_f and regrow at r = 0.2525; step 2: regrow only, r = 0.005.
    //
    // Step 1, gradual pruning keeps the 6 largest of the 12 |θ|: 0.93 (fc2 2), 0.87 (fc1 3),
    // 0.85 (fc2 4), 0.83 (fc2 3), 0.79 (fc2 0), 0.77 (fc1 0), zeroing the rest. The gradient was taken
    // before, at the dense weights: |g| fc1 0.285 0.150 0.141 0.080 0.075 0.040, fc2 0.373 0.373 0.051 0.051 0.094 0.094.
    // Swap in fc1 (2 active): drop ceil(0.505) = 1, the smaller 0.77 (0); of candidates 0, 1, 2, 4, 5 the
    // largest |g| is 0's, so it comes back with its value. fc2 (4 active): drop ceil(1.01) = 2, 0.79 (0) and
    // 0.83 (3); of candidates 0, 1, 3, 5, 0 and 1 have the largest |g|: 0 returns with its value, 1 at 0.
    // Masks (1,0,0,1,0,0), (1,1,1,0,1,0).
    //
    // Step 2, masks lifted, the gradient at the pruned network: |g| fc1 0.260 0 0.405 0.066 0 0.009,
    // fc2 0.349 0.349 0 0 0.004 0.004. fc1 drops ceil(0.01) = 1, the 0.77 (0), and of candidates 0, 1, 2, 4, 5
    // regrows 2 (0.405 > 0.260), at 0; a masked gradient would be 0 there and regrow 0 instead. fc2 drops
    // its zero weight (1) and regrows it, the largest |g| of candidates 1, 3, 5.
    const { masks, after } = await runGranet(
      0.5,
      { startFraction: 0.5, endFraction: 0.5, intervalEpochs: 1, regrowthEndFraction: 1 },
      { ...tinyRecipe, learningRate: 0, epochs: 2 },
    );
    expect(asLists(masks)).toEqual([
      [0, 0, 1, 1, 0, 0],
      [1, 1, 1, 0, 1, 0],
    ]);
    expect([...after['fc1/kernel']]).toEqual([0, 0, 0, Math.fround(0.87), 0, 0]);
    expect([...after['fc2/kernel']]).toEqual([Math.fround(-0.79), 0, Math.fround(-0.93), 0, Math.fround(-0.85), 0]);
  });

  it('hits the target count exactly, from dense and from a random sparse start', async () => {
    const recipe = { ...tinyRecipe, batchSize: 1, epochs: 4 };
    for (const initialSparsity of [0, 0.2]) {
      for (const sparsity of [0.3, 0.5, 0.8]) {
        const { masks, after } = await runGranet(sparsity, { initialSparsity, intervalEpochs: 0.5 }, recipe);
        expect(countKept(masks, names)).toBe(keepCountFor(12, sparsity));
        for (const name of names) expect([...after[name]].filter((w, i) => masks[name][i] === 0 && w !== 0)).toEqual([]);
      }
    }
  });

  it("leaves the last step's weights even when the recipe's best-epoch selection restores an earlier epoch", async () => {
    const hyperparameters = { startFraction: 0.25, endFraction: 0.75, intervalEpochs: 0.5 };
    const recipe = { ...tinyRecipe, batchSize: 1, epochs: 5 };
    const selecting = await runGranet(0.5, hyperparameters, { ...recipe, selectBestEpoch: true });
    const plain = await runGranet(0.5, hyperparameters, { ...recipe, selectBestEpoch: false });
    expect(selecting.training!.selectedEpoch).toBeLessThan(5);
    expect(asLists(selecting.masks)).toEqual(asLists(plain.masks));
    for (const name of Object.keys(weights)) expect([...selecting.after[name]]).toEqual([...plain.after[name]]);
  });
});
