import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MaskMap, MethodManifest, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext, tinyRecipe } from '../../harness/testing/tiny-context.ts';
import { layerwiseRoundPlan } from '../../api/method-kit/iterative-magnitude.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

// Twelve distinct magnitudes. fc1 by |θ|: 0.9 (0), 0.7 (3), 0.5 (2), 0.3 (4), 0.1 (1), 0.05 (5);
// fc2: 0.8 (3), 0.6 (0), 0.45 (4), 0.25 (1), 0.15 (5), 0.04 (2).
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.9, -0.1, 0.5, -0.7, 0.3, -0.05]),
  'fc1/bias': Float32Array.from([0.1, -0.1, 0.05]),
  'fc2/kernel': Float32Array.from([0.6, -0.25, 0.04, 0.8, -0.45, 0.15]),
  'fc2/bias': Float32Array.from([0.2, -0.2]),
};

// Batches of 2 of the 4 tiny points: 2 steps per epoch, 4 steps per 2-epoch training run.
const recipe = { ...tinyRecipe, batchSize: 2 };

async function runImpRewind(sparsity: number, hyperparameters: Record<string, string | number>, learningRate = 0.1) {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, hyperparameters, recipe: { ...recipe, learningRate } });
  const log = { trainings: 0, masks: [] as MaskMap[] };
  const spy: PruneContext = {
    ...ctx,
    train: (options) => {
      log.trainings++;
      return ctx.train(options);
    },
    setMasks: (masks) => {
      log.masks.push(masks);
      ctx.setMasks(masks);
    },
  };
  try {
    const result = (await prune(spy)) as PruneResult;
    if (!('scores' in result)) throw new Error('imp-rewind must return scores');
    return { masks: masksFromScores(result.scores, names, shapes, sparsity, manifest.scope, 0), log, after: network.getWeights() };
  } finally {
    network.dispose();
  }
}

/** The weights after the first `steps` steps of the harness's first training call on the same seed. */
async function weightsAfterSteps(steps: number): Promise<WeightMap> {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest, recipe });
  ctx.train({ steps });
  const out = network.getWeights();
  network.dispose();
  return out;
}

const asLists = (masks: MaskMap) => names.map((n) => [...masks[n]]);

describe('imp-rewind', () => {
  it('plans the rounds as IMP: full rounds of 20 % (output layer 10 %) then one partial round', () => {
    expect(layerwiseRoundPlan([6, 6], [0.2, 0.1], 6)).toEqual([
      [5, 5],
      [4, 5],
      [3, 4],
      [2, 4],
    ]);
  });

  it('rewinds the survivors to their values after a fraction of the first epoch', async () => {
    // rewindEpochFraction 0.5 of 2 steps per epoch: the rewind point is step 1.
    const { masks, after } = await runImpRewind(0.5, { rewindEpochFraction: 0.5 });
    const atStep1 = await weightsAfterSteps(1);
    expect(atStep1['fc1/kernel']).not.toEqual(weights['fc1/kernel']);
    // Every weight, pruned ones included: the harness applies the mask itself.
    for (const name of Object.keys(weights)) expect([...after[name]]).toEqual([...atStep1[name]]);
    expect(countKept(masks, names)).toBe(6);
  });

  it('rewinds to an explicit step count, which takes precedence over the fraction', async () => {
    const { after } = await runImpRewind(0.5, { rewindSteps: 3, rewindEpochFraction: 0.5 });
    const atStep3 = await weightsAfterSteps(3);
    for (const name of Object.keys(weights)) expect([...after[name]]).toEqual([...atStep3[name]]);
  });

  it('is plain IMP with a rewind point at step 0', async () => {
    const { after } = await runImpRewind(0.5, { rewindEpochFraction: 0 });
    for (const name of Object.keys(weights)) expect([...after[name]]).toEqual([...weights[name]]);
  });

  it('refuses a rewind point beyond the first training run', async () => {
    await expect(runImpRewind(0.5, { rewindSteps: 5 })).rejects.toThrow(/fewer than the 5 steps/);
  });

  it('with a learning rate of 0 prunes by magnitude round by round (s = 0.5)', async () => {
    const { masks, log } = await runImpRewind(0.5, {}, 0);
    expect(log.trainings).toBe(4);
    expect(log.masks.map(asLists)).toEqual([
      [
        [1, 1, 1, 1, 1, 0],
        [1, 1, 0, 1, 1, 1],
      ],
      [
        [1, 0, 1, 1, 1, 0],
        [1, 1, 0, 1, 1, 1],
      ],
      [
        [1, 0, 1, 1, 0, 0],
        [1, 1, 0, 1, 1, 0],
      ],
      [
        [1, 0, 0, 1, 0, 0],
        [1, 1, 0, 1, 1, 0],
      ],
      [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1],
      ],
    ]);
    expect(asLists(masks)).toEqual([
      [1, 0, 0, 1, 0, 0],
      [1, 1, 0, 1, 1, 0],
    ]);
  });

  it("hits the target count exactly with the last round's mask", async () => {
    for (const scope of ['layerwise', 'global']) {
      for (const sparsity of [0.25, 0.6, 0.9]) {
        const { masks, log } = await runImpRewind(sparsity, { scope });
        expect(countKept(masks, names)).toBe(keepCountFor(12, sparsity));
        expect(asLists(masks)).toEqual(asLists(log.masks[log.masks.length - 2]));
      }
    }
  });
});
