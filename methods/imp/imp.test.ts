import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MaskMap, MethodManifest, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext, tinyRecipe } from '../../harness/testing/tiny-context.ts';
import { globalRoundPlan, layerwiseRoundPlan } from '../../api/method-kit/iterative-magnitude.ts';
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

/** Records the masks installed after every round and counts the training runs. */
function recorded(ctx: PruneContext) {
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
  return { spy, log };
}

async function runImp(sparsity: number, hyperparameters: Record<string, string | number> = {}, learningRate = 0) {
  const { ctx, network } = await tinyPruneContext({
    weights,
    sparsity,
    manifest,
    hyperparameters,
    recipe: { ...tinyRecipe, learningRate },
  });
  const { spy, log } = recorded(ctx);
  const result = (await prune(spy)) as PruneResult;
  const after = network.getWeights();
  network.dispose();
  if (!('scores' in result)) throw new Error('imp must return scores');
  return { scores: result.scores, masks: masksFromScores(result.scores, names, shapes, sparsity, manifest.scope, 0), log, after };
}

const asLists = (masks: MaskMap) => names.map((n) => [...masks[n]]);

describe('imp', () => {
  it('plans rounds until the next full round would pass the target, the last one partial', () => {
    // Layerwise 2-3-2, fc1 at 20 %, the output layer fc2 at 10 %: full round r keeps
    // round(6·0.8^r) and round(6·0.9^r) = (5,5) 10, (4,5) 9, (3,4) 7, (2,4) 6, (2,4) 6, (2,3) 5, (1,3) 4, (1,3) 4, (1,2) 3.
    // Target 6 (s = 0.5): round 4 reaches it, so it is partial: the excess 7 − 6 = 1 falls on fc1,
    // the only layer round 4 would shrink.
    expect(layerwiseRoundPlan([6, 6], [0.2, 0.1], 6)).toEqual([
      [5, 5],
      [4, 5],
      [3, 4],
      [2, 4],
    ]);
    // Target 9 (s = 0.25): round 2 reaches 9 exactly and is the last.
    expect(layerwiseRoundPlan([6, 6], [0.2, 0.1], 9)).toEqual([
      [5, 5],
      [4, 5],
    ]);
    // Target 3 (s = 0.75): rounds 5 and 8 remove nothing and are skipped; round 9 (1,2) reaches 3.
    expect(layerwiseRoundPlan([6, 6], [0.2, 0.1], 3)).toEqual([
      [5, 5],
      [4, 5],
      [3, 4],
      [2, 4],
      [2, 3],
      [1, 3],
      [1, 2],
    ]);
    // The excess is shared in proportion to a full round's removals: (10, 10) → full (8, 8) → target 18.
    expect(layerwiseRoundPlan([10, 10], [0.2, 0.2], 18)).toEqual([[9, 9]]);
    // Global at 20 %: 0.8^r ≥ 0.5 for r ≤ 3 (0.512), so 4 rounds to 50 %; 0.8^10 = 0.107 > 0.1, so 11 to 90 %.
    expect(globalRoundPlan(1000, 0.2, 500)).toEqual([800, 640, 512, 500]);
    expect(globalRoundPlan(1000, 0.2, 100)).toHaveLength(11);
    expect(globalRoundPlan(12, 0.2, 6)).toEqual([10, 8, 6]);
    expect(globalRoundPlan(12, 0.2, 12)).toEqual([]);
  });

  it('with a learning rate of 0 prunes layer by layer by magnitude, one training per round (s = 0.5)', async () => {
    const { masks, log } = await runImp(0.5);
    expect(log.trainings).toBe(4);
    // Kept per round (fc1, fc2): (5,5) (4,5) (3,4) (2,4), dropping the smallest |θ| still alive; then
    // the masks are lifted for the harness to apply.
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

  it('scores weights by the rounds they survived, then |θ|, so the inverted control keeps the first removed', async () => {
    const { scores } = await runImp(0.5);
    const score = (rounds: number, w: number) => rounds + Math.abs(w) / (1 + Math.abs(w));
    // fc1 loses 0.05 (5), 0.1 (1), 0.3 (4), 0.5 (2) in rounds 0–3; fc2 loses 0.04 (2) in round 0 and 0.15 (5) in round 2.
    const expected = [
      [score(4, 0.9), score(1, 0.1), score(3, 0.5), score(4, 0.7), score(2, 0.3), score(0, 0.05)],
      [score(4, 0.6), score(4, 0.25), score(0, 0.04), score(4, 0.8), score(4, 0.45), score(2, 0.15)],
    ];
    names.forEach((n, l) => scores[n].forEach((s, i) => expect(s).toBeCloseTo(expected[l][i], 6)));
    // Inverted: the six lowest scores, 0.038 (fc2 2), 0.048 (fc1 5), 1.09 (fc1 1), 2.13 (fc2 5), 2.23 (fc1 4), 3.33 (fc1 2).
    const negated = Object.fromEntries(names.map((n) => [n, scores[n].map((s) => -s)]));
    expect(asLists(masksFromScores(negated, names, shapes, 0.5, manifest.scope, 0))).toEqual([
      [0, 1, 1, 0, 1, 1],
      [0, 0, 1, 0, 0, 1],
    ]);
  });

  it('with a learning rate of 0 and global scope ranks both layers together (s = 0.5)', async () => {
    const { masks, log } = await runImp(0.5, { scope: 'global' });
    expect(log.trainings).toBe(3);
    // Kept 10, 8, 6 of the twelve |θ| 0.9 0.8 0.7 0.6 0.5 0.45 | 0.3 0.25 | 0.15 0.1 | 0.05 0.04.
    expect(log.masks.map(asLists)).toEqual([
      [
        [1, 1, 1, 1, 1, 0],
        [1, 1, 0, 1, 1, 1],
      ],
      [
        [1, 0, 1, 1, 1, 0],
        [1, 1, 0, 1, 1, 0],
      ],
      [
        [1, 0, 1, 1, 0, 0],
        [1, 0, 0, 1, 1, 0],
      ],
      [
        [1, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 1, 1],
      ],
    ]);
    expect(asLists(masks)).toEqual([
      [1, 0, 1, 1, 0, 0],
      [1, 0, 0, 1, 1, 0],
    ]);
  });

  it("hits the target count exactly with the last round's mask and leaves every weight rewound to its initial value", async () => {
    for (const scope of ['layerwise', 'global']) {
      for (const sparsity of [0.25, 0.5, 0.75, 0.9]) {
        const { masks, after, log } = await runImp(sparsity, { scope }, 0.1);
        expect(countKept(masks, names)).toBe(keepCountFor(12, sparsity));
        expect(asLists(masks)).toEqual(asLists(log.masks[log.masks.length - 2]));
        // Pruned weights too: the harness applies the mask, and its shuffled and inverted controls keep pruned weights.
        for (const name of Object.keys(weights)) expect([...after[name]]).toEqual([...weights[name]]);
      }
    }
  });

  it('trains nothing at sparsity 0 and refuses a target that an unpruned output layer makes unreachable', async () => {
    const dense = await runImp(0);
    expect(dense.log.trainings).toBe(0);
    expect(countKept(dense.masks, names)).toBe(12);
    await expect(runImp(0.75, { outputLayerRate: 0 })).rejects.toThrow(/rate 0 hold 6 weights/);
  });
});
