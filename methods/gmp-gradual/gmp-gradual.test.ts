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
import { prune, pruningSchedule } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];

// fc1 by |θ|: 0.9 (0), 0.7 (3), 0.5 (2), 0.3 (4), 0.1 (1), 0.05 (5); fc2: 0.8 (3), 0.6 (0), 0.45 (4), 0.25 (1), 0.15 (5), 0.04 (2).
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.9, -0.1, 0.5, -0.7, 0.3, -0.05]),
  'fc1/bias': Float32Array.from([0.1, -0.1, 0.05]),
  'fc2/kernel': Float32Array.from([0.6, -0.25, 0.04, 0.8, -0.45, 0.15]),
  'fc2/bias': Float32Array.from([0.2, -0.2]),
};

// One tiny point per batch: 4 steps per epoch, 20 steps in 5 epochs. Pruning from step 5 to step
// 15 every 2 steps (half an epoch): n = 5 events after t0.
const recipe: TrainingRecipe = { ...tinyRecipe, batchSize: 1, epochs: 5 };
const schedule = { initialSparsity: 0, startFraction: 0.25, endFraction: 0.75, intervalEpochs: 0.5, epochs: 'recipe.epochs' };

async function runGmp(sparsity: number, options: { learningRate?: number; recipe?: Partial<TrainingRecipe> } = {}) {
  const { ctx, network } = await tinyPruneContext({
    weights,
    sparsity,
    manifest,
    hyperparameters: schedule,
    recipe: { ...recipe, learningRate: options.learningRate ?? 0.1, ...options.recipe },
  });
  const log = { events: [] as Array<{ step: number; masks: MaskMap }>, training: null as TrainingResult | null };
  let step = 0;
  const spy: PruneContext = {
    ...ctx,
    train: (trainOptions) =>
      (log.training = ctx.train({
        ...trainOptions,
        afterStep: (info) => {
          step = info.step;
          trainOptions?.afterStep?.(info);
        },
      })),
    setMasks: (masks) => {
      log.events.push({ step, masks });
      ctx.setMasks(masks);
    },
  };
  try {
    const result = (await prune(spy)) as PruneResult;
    if (!('masks' in result)) throw new Error('gmp-gradual must return masks');
    return { masks: result.masks, log, after: network.getWeights() };
  } finally {
    network.dispose();
  }
}

const asLists = (masks: MaskMap) => names.map((n) => [...masks[n]]);

describe('gmp-gradual', () => {
  it('follows the cubic schedule s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³', () => {
    // 100 steps of 20 per epoch: t0 = 10, last step 30, Δt = 0.25 epoch = 5 steps, n = 4.
    // (1 − k/4)³ = 1, 27/64, 1/8, 1/64, 0.
    const settings = { initialSparsity: 0, finalSparsity: 0.8, startFraction: 0.1, endFraction: 0.3, intervalEpochs: 0.25 };
    const fromDense = pruningSchedule(100, 20, settings);
    expect(fromDense.map((e) => e.step)).toEqual([10, 15, 20, 25, 30]);
    [0, 0.4625, 0.7, 0.7875, 0.8].forEach((s, k) => expect(fromDense[k].sparsity).toBeCloseTo(s, 12));
    const fromSparse = pruningSchedule(100, 20, { ...settings, initialSparsity: 0.2 });
    [0.2, 0.546875, 0.725, 0.790625, 0.8].forEach((s, k) => expect(fromSparse[k].sparsity).toBeCloseTo(s, 12));
    expect(fromSparse[4].sparsity).toBe(0.8);
    // A window shorter than Δt is one event at t0, straight to the target.
    expect(pruningSchedule(100, 20, { ...settings, endFraction: 0.12 })).toEqual([{ step: 10, sparsity: 0.8 }]);
  });

  it('with a learning rate of 0 prunes each layer by magnitude at the scheduled steps (s = 0.5)', async () => {
    const { masks, log } = await runGmp(0.5, { learningRate: 0 });
    // n = 5: s_k = 0.5·(1 − (1 − k/5)³) = 0, 0.244, 0.392, 0.468, 0.496, 0.5, so round(6·s_k) = 0, 1, 2, 3, 3, 3
    // weights pruned per layer: kept 6, 5, 4, 3, 3, 3 of the largest |θ|.
    expect(log.events.map((e) => e.step)).toEqual([5, 7, 9, 11, 13, 15]);
    const dense = [
      [1, 1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1, 1],
    ];
    const keep5 = [
      [1, 1, 1, 1, 1, 0],
      [1, 1, 0, 1, 1, 1],
    ];
    const keep4 = [
      [1, 0, 1, 1, 1, 0],
      [1, 1, 0, 1, 1, 0],
    ];
    const keep3 = [
      [1, 0, 1, 1, 0, 0],
      [1, 0, 0, 1, 1, 0],
    ];
    expect(log.events.map((e) => asLists(e.masks))).toEqual([dense, keep5, keep4, keep3, keep3, keep3]);
    expect(asLists(masks)).toEqual(keep3);
  });

  it('keeps n − round(s·n) in every layer after training, the pruned weights at 0', async () => {
    for (const sparsity of [0.3, 0.5, 0.8]) {
      const { masks, after } = await runGmp(sparsity);
      for (const name of names) {
        expect(countKept(masks, [name])).toBe(keepCountFor(6, sparsity));
        expect([...after[name]].filter((w, i) => masks[name][i] === 0 && w !== 0)).toEqual([]);
      }
    }
  });

  it("leaves the last step's weights even when the recipe's best-epoch selection restores an earlier epoch", async () => {
    const selecting = await runGmp(0.5, { recipe: { selectBestEpoch: true } });
    const plain = await runGmp(0.5, { recipe: { selectBestEpoch: false } });
    expect(selecting.log.training!.selectedEpoch).toBeLessThan(5);
    expect(asLists(selecting.masks)).toEqual(asLists(plain.masks));
    for (const name of Object.keys(weights)) expect([...selecting.after[name]]).toEqual([...plain.after[name]]);
  });

  it('prunes to the target at the end when early stopping ends training before the schedule', async () => {
    // Patience 1 stops after the first epoch (4 steps), before the first pruning step 5.
    const { masks, log, after } = await runGmp(0.5, { recipe: { selectBestEpoch: true, patience: 1 } });
    expect(log.training!.steps).toBe(4);
    expect(log.events.map((e) => e.step)).toEqual([4]);
    for (const name of names) expect(countKept(masks, [name])).toBe(3);
    expect(after['fc1/bias']).not.toEqual(weights['fc1/bias']);
  });
});
