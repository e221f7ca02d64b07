import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

const mlp: ArchitectureSpec = {
  id: 'random-layerwise-test-mlp',
  inputShape: [6],
  layers: [
    { kind: 'dense', name: 'fc1', units: 10, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 7, activation: 'relu' },
    { kind: 'dense', name: 'fc3', units: 3, activation: 'linear' },
  ],
};
const shapes: Record<string, number[]> = {
  'fc1/kernel': [6, 10],
  'fc1/bias': [10],
  'fc2/kernel': [10, 7],
  'fc2/bias': [7],
  'fc3/kernel': [7, 3],
  'fc3/bias': [3],
};
const names = ['fc1/kernel', 'fc2/kernel', 'fc3/kernel'];
const weights: WeightMap = Object.fromEntries(
  Object.entries(shapes).map(([name, shape]) => [
    name,
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.cos(3 * i + name.length)),
  ]),
);

async function scoresFor(seed: number, sparsity = 0.5): Promise<WeightMap> {
  const { ctx, network } = await tinyPruneContext({ spec: mlp, weights, sparsity, manifest, seed });
  const result = (await prune(ctx)) as PruneResult;
  network.dispose();
  if (!('scores' in result)) throw new Error('random-layerwise must return scores');
  return result.scores;
}

describe('random (layerwise)', () => {
  it('ranks each layer by its own random permutation', async () => {
    const scores = await scoresFor(1);
    for (const name of names) {
      const size = shapes[name].reduce((a, b) => a * b, 1);
      expect([...scores[name]].sort((a, b) => a - b)).toEqual(Array.from({ length: size }, (_, i) => i));
    }
  });

  it('keeps n − round(s·n) weights in every layer', async () => {
    // fc1 60, fc2 70, fc3 21 weights; e.g. s = 0.9 keeps 6, 7 and 21 − round(18.9) = 2.
    for (const sparsity of [0.5, 0.9, 0.95]) {
      const masks = masksFromScores(await scoresFor(2, sparsity), names, shapes, sparsity, manifest.scope, 0);
      for (const name of names) expect(countKept(masks, [name])).toBe(keepCountFor(masks[name].length, sparsity));
    }
    const masks = masksFromScores(await scoresFor(2, 0.9), names, shapes, 0.9, manifest.scope, 0);
    expect(names.map((n) => countKept(masks, [n]))).toEqual([6, 7, 2]);
  });

  it('is deterministic under the seed and differs between seeds', async () => {
    const a = await scoresFor(3);
    const b = await scoresFor(3);
    const c = await scoresFor(4);
    for (const name of names) expect([...a[name]]).toEqual([...b[name]]);
    expect(names.some((name) => a[name].some((v, i) => v !== c[name][i]))).toBe(true);
  });

  it('draws the layers independently: equal-sized layers get different orders', async () => {
    const square: ArchitectureSpec = {
      id: 'square',
      inputShape: [5],
      layers: [
        { kind: 'dense', name: 'a', units: 5, activation: 'relu' },
        { kind: 'dense', name: 'b', units: 5, activation: 'linear' },
      ],
    };
    const squareWeights: WeightMap = {
      'a/kernel': new Float32Array(25).fill(1),
      'a/bias': new Float32Array(5),
      'b/kernel': new Float32Array(25).fill(1),
      'b/bias': new Float32Array(5),
    };
    const { ctx, network } = await tinyPruneContext({ spec: square, weights: squareWeights, sparsity: 0.5, manifest, seed: 9 });
    const result = (await prune(ctx)) as { scores: WeightMap };
    network.dispose();
    expect([...result.scores['a/kernel']]).not.toEqual([...result.scores['b/kernel']]);
  });
});
