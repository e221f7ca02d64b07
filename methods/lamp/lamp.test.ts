import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { lampScores, prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([1, -2, 3, 0.5, -4, 2]),
  'fc1/bias': new Float32Array(3),
  'fc2/kernel': Float32Array.from([0.1, -0.3, 0.2, 0.4, -0.5, 0.05]),
  'fc2/bias': new Float32Array(2),
};

// fc1: w² = 1 4 9 0.25 16 4, total 34.25. Ascending: 0.25 (3), 1 (0), 4 (1), 4 (5), 9 (2), 16 (4).
// score = w² / (sum of w² from it upward): 0.25/34.25, 1/34, 4/33 for both 4s (their sum starts at the first), 9/25, 16/16.
const fc1Scores = [1 / 34, 4 / 33, 9 / 25, 0.25 / 34.25, 1, 4 / 33];
// fc2: w² = .01 .09 .04 .16 .25 .0025, total .5525. Ascending: .0025 (5), .01 (0), .04 (2), .09 (1), .16 (3), .25 (4).
const fc2Scores = [0.01 / 0.55, 0.09 / 0.5, 0.04 / 0.54, 0.16 / 0.41, 1, 0.0025 / 0.5525];

async function prunedAt(sparsity: number, w: WeightMap = weights) {
  const { ctx, network } = await tinyPruneContext({ weights: w, sparsity, manifest });
  const result = (await prune(ctx)) as PruneResult;
  network.dispose();
  if (!('scores' in result)) throw new Error('lamp must return scores');
  return { scores: result.scores, masks: masksFromScores(result.scores, names, shapes, sparsity, manifest.scope, 0) };
}

describe('lamp', () => {
  it('computes the hand-worked LAMP scores', async () => {
    const { scores } = await prunedAt(0.5);
    [...scores['fc1/kernel']].forEach((s, i) => expect(s).toBeCloseTo(fc1Scores[i], 6));
    [...scores['fc2/kernel']].forEach((s, i) => expect(s).toBeCloseTo(fc2Scores[i], 6));
    expect(scores['fc1/kernel'][1]).toBe(scores['fc1/kernel'][5]);
  });

  it('prunes globally on LAMP scores, not on raw magnitudes', async () => {
    // Ranked: 1 (flat 4), 1 (flat 10), .390 (9), .36 (2), .18 (7), .121 (1), .121 (5), .074 (8), .029 (0), .018 (6), .0073 (3), .0045 (11).
    // s = 0.5 keeps 6: flats 4, 10, 9, 2, 7 and one of the tied flats 1 and 5, drawn by the job seed.
    // Global magnitude would keep fc1 only.
    const half = await prunedAt(0.5);
    const fc1 = [...half.masks['fc1/kernel']];
    expect([fc1[0], fc1[2], fc1[3], fc1[4], fc1[1] + fc1[5]]).toEqual([0, 1, 0, 1, 1]);
    expect([...half.masks['fc2/kernel']]).toEqual([0, 1, 0, 1, 1, 0]);
    // s = 0.75 keeps 3: flats 4, 10, 9.
    const quarter = await prunedAt(0.75);
    expect([...quarter.masks['fc1/kernel']]).toEqual([0, 0, 0, 0, 1, 0]);
    expect([...quarter.masks['fc2/kernel']]).toEqual([0, 0, 0, 1, 1, 0]);
  });

  it('keeps exactly the target count', async () => {
    for (const sparsity of [0.25, 0.5, 0.9]) expect(countKept((await prunedAt(sparsity)).masks, names)).toBe(keepCountFor(12, sparsity));
  });

  it("keeps, within each layer, exactly that layer's largest magnitudes, and at least one weight per layer", () => {
    const layers = [0, 1, 2].map((l) => Float32Array.from({ length: 40 + 25 * l }, (_, i) => Math.sin(13.7 * i + l) * (l + 1) ** 2));
    const scores = layers.map(lampScores);
    const flat = scores.flatMap((s, l) => [...s].map((v, i) => ({ v, l, i })));
    for (const keep of [3, 20, 60]) {
      const kept = [...flat].sort((a, b) => b.v - a.v).slice(0, keep);
      for (let l = 0; l < layers.length; l++) {
        const keptHere = kept.filter((k) => k.l === l).map((k) => Math.abs(layers[l][k.i]));
        expect(keptHere.length).toBeGreaterThan(0);
        const smallestKept = Math.min(...keptHere);
        const largerDropped = [...layers[l]].filter((w, i) => Math.abs(w) > smallestKept && !kept.some((k) => k.l === l && k.i === i));
        expect(largerDropped).toEqual([]);
      }
    }
  });

  it('scores an all-zero layer 0 rather than NaN', () => {
    expect([...lampScores(new Float32Array(4))]).toEqual([0, 0, 0, 0]);
  });
});
