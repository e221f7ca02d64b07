import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

const mlp: ArchitectureSpec = {
  id: 'random-test-mlp',
  inputShape: [6],
  layers: [
    { kind: 'dense', name: 'fc1', units: 10, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 4, activation: 'linear' },
  ],
};
const shapes: Record<string, number[]> = { 'fc1/kernel': [6, 10], 'fc1/bias': [10], 'fc2/kernel': [10, 4], 'fc2/bias': [4] };
const names = ['fc1/kernel', 'fc2/kernel'];
const weights: WeightMap = Object.fromEntries(
  Object.entries(shapes).map(([name, shape]) => [
    name,
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(7 * i + name.length)),
  ]),
);

async function scoresFor(seed: number, sparsity = 0.5): Promise<WeightMap> {
  const { ctx, network } = await tinyPruneContext({ spec: mlp, weights, sparsity, manifest, seed });
  const result = (await prune(ctx)) as PruneResult;
  network.dispose();
  if (!('scores' in result)) throw new Error('random must return scores');
  return result.scores;
}

describe('random (global)', () => {
  it('gives every weight a distinct rank: the scores are a permutation of 0..N−1', async () => {
    const scores = await scoresFor(1);
    const all = [...scores['fc1/kernel'], ...scores['fc2/kernel']].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('is deterministic under the seed and differs between seeds', async () => {
    const a = await scoresFor(3);
    const b = await scoresFor(3);
    const c = await scoresFor(4);
    expect([...a['fc1/kernel'], ...a['fc2/kernel']]).toEqual([...b['fc1/kernel'], ...b['fc2/kernel']]);
    expect([...a['fc1/kernel'], ...a['fc2/kernel']]).not.toEqual([...c['fc1/kernel'], ...c['fc2/kernel']]);
  });

  it('keeps exactly the target count at several sparsities', async () => {
    for (const sparsity of [0.5, 0.9, 0.97]) {
      const masks = masksFromScores(await scoresFor(5, sparsity), names, shapes, sparsity, manifest.scope, 0);
      expect(countKept(masks, names)).toBe(keepCountFor(100, sparsity));
    }
  });

  it('keeps every weight with probability 1 − s over seeds (no positional bias)', async () => {
    const keptTimes = new Array<number>(100).fill(0);
    const seeds = 400;
    for (let seed = 0; seed < seeds; seed++) {
      const masks = masksFromScores(await scoresFor(seed, 0.75), names, shapes, 0.75, manifest.scope, 0);
      [...masks['fc1/kernel'], ...masks['fc2/kernel']].forEach((m, i) => (keptTimes[i] += m));
    }
    // Each count is Binomial(400, 0.25): mean 100, sd ≈ 8.7; 45 is more than 5 sd away.
    for (const times of keptTimes) expect(Math.abs(times - 100)).toBeLessThan(45);
    // Layer shares follow the layer sizes (60 and 40 of 100 weights).
    const fc1Share = keptTimes.slice(0, 60).reduce((a, b) => a + b, 0) / (seeds * 25);
    expect(fc1Share).toBeCloseTo(0.6, 1);
  });
});
