import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MethodManifest, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyMlpKernelGradients, tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune, searchWithRecycling } from './index.ts';
import { recycleCount, recycleLayer, recyclesAfter } from './recycle.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

// |s| ascending: fc1 0.1 (5), 0.3 (3), 0.305 (4), 0.31 (1), 0.4 (2), 0.5 (0);
//                fc2 0.2 (3), 0.25 (5), 0.28 (1), 0.3 (2), 0.45 (4), 0.6 (0).
const initialScores: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, 0.31, -0.4, 0.3, 0.305, 0.1]),
  'fc2/kernel': Float32Array.from([0.6, 0.28, 0.3, -0.2, 0.45, 0.25]),
};

// Recycling 2 of 6 per layer: fc1 lowest (5, 3) take the values of the two highest (2, 0) in sort order:
// w[5] ← w[2] = 0.8, w[3] ← w[0] = 0.5. fc2: lowest (3, 5) take highest (4, 0): w[3] ← w[4] = 0.3, w[5] ← w[0] = 0.7.
const recycledByHand: Record<string, number[]> = {
  'fc1/kernel': [0.5, -0.3, 0.8, 0.5, 0.9, 0.8],
  'fc2/kernel': [0.7, -0.4, -0.5, 0.3, 0.3, 0.7],
};

const kernelGradients = (k1: number[], k2: number[]) => tinyMlpKernelGradients(weights, k1, k2);

/** The top-3 mask of |s| in a 6-weight layer (no ties in these tests). */
const top3 = (s: number[]) => {
  const cut = [...s].map(Math.abs).sort((a, b) => b - a)[2];
  return s.map((v) => (Math.abs(v) >= cut ? 1 : 0));
};

const sgd = (learningRate: number) => ({ optimizer: 'sgd' as const, learningRate, batchSize: 4, schedule: { kind: 'constant' as const } });

describe('iwr recycling step', () => {
  it('gives the lowest-scored weights the values of the highest-scored, paired in sort order', () => {
    for (const name of names)
      expect([...recycleLayer(weights[name], initialScores[name].map(Math.abs), 2)]).toEqual([...Float32Array.from(recycledByHand[name])]);
    // Ties in the score go by index: scores all equal, so 0 and 1 take the values of 4 and 5.
    expect([...recycleLayer(Float32Array.from([1, 2, 3, 4, 5, 6]), [1, 1, 1, 1, 1, 1], 2)]).toEqual([5, 6, 3, 4, 5, 6]);
    expect(() => recycleLayer(weights['fc1/kernel'], [1, 2, 3, 4, 5, 6], 4)).toThrow(/at most half/);
  });

  it('recycles ⌊rate·n⌋ per layer, at epoch boundaries up to recycleUntil, never after the last step', () => {
    expect(recycleCount(6, 0.2)).toBe(1);
    expect(recycleCount(6, 0.5)).toBe(3);
    expect(recycleCount(78400, 0.2)).toBe(15680);
    // 3 epochs of 4 steps: boundaries after steps 4 and 8 (12 is the last step).
    const at = (until: number) => Array.from({ length: 12 }, (_, i) => i + 1).filter((step) => recyclesAfter(step, 12, 3, until));
    expect(at(1)).toEqual([4, 8]);
    expect(at(0.5)).toEqual([4]);
    expect(at(0)).toEqual([]);
  });
});

describe('iwr search', () => {
  it('after one recycling step at learning rate 0 holds exactly the hand-recycled weights', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    const result = searchWithRecycling(ctx, initialScores, {
      recipe: sgd(0),
      epochs: 1,
      steps: 1,
      weightDecay: 0,
      rate: 1 / 3,
      recycleAfter: () => true,
    });
    network.dispose();
    expect(result.recyclings).toBe(1);
    for (const name of names) expect([...result.weights[name]]).toEqual([...Float32Array.from(recycledByHand[name])]);
  });

  it('scores the next step on the recycled weights (two SGD steps at learning rate 1, recycling after the first)', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    const result = searchWithRecycling(ctx, initialScores, {
      recipe: sgd(1),
      epochs: 2,
      weightDecay: 0,
      rate: 1 / 3,
      recycleAfter: (info) => info.step === 1,
    });
    network.dispose();
    // Reference in float64: s1 = s0 − sign(s0)·g(W0 ⊙ m(s0)) ⊙ W0; W1 = recycle(W0, |s1|); s2 = s1 − sign(s1)·g(W1 ⊙ m(s1)) ⊙ W1.
    const step = (s: Record<string, number[]>, w: Record<string, number[]>) => {
      const effective = Object.fromEntries(names.map((n) => [n, w[n].map((v, i) => v * top3(s[n])[i])]));
      const g = kernelGradients(effective['fc1/kernel'], effective['fc2/kernel']);
      return Object.fromEntries(names.map((n) => [n, s[n].map((v, i) => v - Math.sign(v) * g[n][i] * w[n][i])]));
    };
    const w0 = Object.fromEntries(names.map((n) => [n, [...weights[n]]]));
    const s1 = step(Object.fromEntries(names.map((n) => [n, [...initialScores[n]]])), w0);
    const w1 = Object.fromEntries(names.map((n) => [n, [...recycleLayer(weights[n], s1[n].map(Math.abs), 2)]]));
    const s2 = step(s1, w1);
    for (const n of names) {
      expect([...result.weights[n]]).toEqual(w1[n]);
      result.scores[n].forEach((s, i) => expect(s).toBeCloseTo(s2[n][i], 6));
    }
    // The recycling moved something: the recycled layers differ from the initial ones.
    expect(names.some((n) => w1[n].some((v, i) => v !== weights[n][i]))).toBe(true);
  });
});

describe('iwr prune', () => {
  it('returns recycled weights drawn only from each layer’s initial values, never trains, keeps n − round(s·n) per layer', async () => {
    for (const sparsity of [0.3, 0.5, 0.8]) {
      // 4 epochs of one batch: recycling after steps 1 and 2 (recycleUntil 0.5).
      const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, hyperparameters: { epochs: 4, recycleRate: 1 / 3 } });
      const spy: PruneContext = {
        ...ctx,
        train: () => {
          throw new Error('iwr must not train the weights');
        },
      };
      const result = (await prune(spy)) as PruneResult;
      const after = network.getWeights();
      network.dispose();
      if (!('scores' in result) || !result.recycledWeights) throw new Error('iwr must return scores and recycled weights');
      for (const name of Object.keys(weights)) expect([...after[name]]).toEqual([...weights[name]]);
      for (const name of names) {
        const initial = new Set(weights[name]);
        expect([...result.recycledWeights[name]].every((v) => initial.has(v))).toBe(true);
      }
      expect(names.some((n) => result.recycledWeights![n].some((v, i) => v !== weights[n][i]))).toBe(true);
      const masks = masksFromScores(result.scores, names, shapes, sparsity, manifest.scope, 0);
      for (const name of names) expect(countKept(masks, [name])).toBe(keepCountFor(6, sparsity));
    }
  });

  it('with recycleUntil 0 leaves the weights as they are, and the same seed gives the same result', async () => {
    const run = async (seed: number, recycleUntil: number) => {
      const { ctx, network } = await tinyPruneContext({
        weights,
        sparsity: 0.5,
        manifest,
        seed,
        hyperparameters: { epochs: 3, recycleUntil },
      });
      const result = (await prune(ctx)) as { scores: WeightMap; recycledWeights: WeightMap };
      network.dispose();
      return result;
    };
    const still = await run(1, 0);
    for (const name of names) expect([...still.recycledWeights[name]]).toEqual([...weights[name]]);
    const a = await run(1, 1);
    const b = await run(1, 1);
    const c = await run(2, 1);
    for (const name of names) {
      expect([...a.scores[name]]).toEqual([...b.scores[name]]);
      expect([...a.recycledWeights[name]]).toEqual([...b.recycledWeights[name]]);
    }
    expect(names.map((n) => [...c.scores[n]])).not.toEqual(names.map((n) => [...a.scores[n]]));
  });
});
