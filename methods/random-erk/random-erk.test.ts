import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { MaskMap, MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { checkMasks, countKept, keepCountFor } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { erkKeepCounts, prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

/** conv1/kernel [3,3,1,2] (18 weights), fc1/kernel [8,3] (24), fc2/kernel [3,2] (6): 48 in all. */
const tinyConv: ArchitectureSpec = {
  id: 'erk-test-conv',
  inputShape: [4, 4, 1],
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 2, kernelSize: 3, padding: 'valid', activation: 'relu' },
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 3, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 2, activation: 'linear' },
  ],
};
const shapes: Record<string, number[]> = {
  'conv1/kernel': [3, 3, 1, 2],
  'conv1/bias': [2],
  'fc1/kernel': [8, 3],
  'fc1/bias': [3],
  'fc2/kernel': [3, 2],
  'fc2/bias': [2],
};
const names = ['conv1/kernel', 'fc1/kernel', 'fc2/kernel'];
const weights: WeightMap = Object.fromEntries(
  Object.entries(shapes).map(([n, s]) => [n, Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => 0.1 * (i + 1))]),
);

async function masksFor(sparsity: number, seed = 0): Promise<MaskMap> {
  const { ctx, network } = await tinyPruneContext({ spec: tinyConv, weights, sparsity, manifest, seed });
  const result = (await prune(ctx)) as PruneResult;
  network.dispose();
  if (!('masks' in result)) throw new Error('random-erk must return masks');
  checkMasks(result.masks, names, shapes);
  return result.masks;
}

describe('random-erk', () => {
  // Raw ERK densities are Σdims/size: conv1 (3+3+1+2)/18 = 0.5, fc1 (8+3)/24, fc2 (3+2)/6; density·size is
  // Σdims (9, 11, 5), so with no layer capped layer l keeps keep·Σdims_l/25 weights.
  it('matches the hand-computed ERK counts when no layer is capped', () => {
    // s = 0.5: keep 24 → 8.64, 10.56, 4.8 → floors 8, 10, 4; the 2 left go to fc2 (.8) and conv1 (.64).
    expect(erkKeepCounts([shapes['conv1/kernel'], shapes['fc1/kernel'], shapes['fc2/kernel']], 24)).toEqual([9, 10, 5]);
    // s = 0.9: keep 5 → 1.8, 2.2, 1.0 → floors 1, 2, 1; the 1 left goes to conv1 (.8).
    expect(erkKeepCounts([shapes['conv1/kernel'], shapes['fc1/kernel'], shapes['fc2/kernel']], 5)).toEqual([2, 2, 1]);
  });

  it('caps a layer whose density would exceed 1 and re-solves the rest', () => {
    // s = 0.25: keep 36 → fc2 would get 36·5/25 = 7.2 > 6 weights: dense. The rest share 30 over Σdims 20:
    // conv1 13.5, fc1 16.5 → 13 + 16 + 6 = 35; the last weight breaks the .5/.5 tie towards the earlier layer.
    expect(erkKeepCounts([shapes['conv1/kernel'], shapes['fc1/kernel'], shapes['fc2/kernel']], 36)).toEqual([14, 16, 6]);
    // keep 47: fc2 capped (9.4 > 6); then conv1 41·9/20 = 18.45 > 18: capped too; fc1 keeps the remaining 23.
    expect(erkKeepCounts([shapes['conv1/kernel'], shapes['fc1/kernel'], shapes['fc2/kernel']], 47)).toEqual([18, 23, 6]);
    expect(erkKeepCounts([shapes['conv1/kernel'], shapes['fc1/kernel'], shapes['fc2/kernel']], 48)).toEqual([18, 24, 6]);
    expect(erkKeepCounts([shapes['conv1/kernel'], shapes['fc1/kernel'], shapes['fc2/kernel']], 0)).toEqual([0, 0, 0]);
  });

  it('follows the ERK formula on LeNet-300-100 shapes, within one weight per layer', () => {
    const lenet = [
      [784, 300],
      [300, 100],
      [100, 10],
    ];
    const close = (counts: number[], expected: number[]) =>
      counts.forEach((c, l) => expect(Math.abs(c - expected[l])).toBeLessThanOrEqual(1));
    // s = 0.98: keep 5324, ε = 5324/(1084 + 400 + 110); fc3's density 110ε/1000 ≈ 0.37 stays below 1.
    const sparse = erkKeepCounts(lenet, keepCountFor(266200, 0.98));
    expect(sparse.reduce((a, b) => a + b, 0)).toBe(5324);
    close(
      sparse,
      [1084, 400, 110].map((d) => (5324 * d) / 1594),
    );
    // s = 0.9: keep 26620 would give fc3 110·26620/1594 ≈ 1837 > 1000 weights: it is dense and
    // ε = 25620/1484 is re-solved over fc1 and fc2.
    const dense = erkKeepCounts(lenet, keepCountFor(266200, 0.9));
    expect(dense.reduce((a, b) => a + b, 0)).toBe(26620);
    expect(dense[2]).toBe(1000);
    close(dense, [(25620 * 1084) / 1484, (25620 * 400) / 1484, 1000]);
  });

  it('returns binary masks with the ERK count in every layer and keepCount in total', async () => {
    for (const [sparsity, expected] of [
      [0.5, [9, 10, 5]],
      [0.25, [14, 16, 6]],
      [0.9, [2, 2, 1]],
    ] as const) {
      const masks = await masksFor(sparsity);
      expect(names.map((n) => countKept(masks, [n]))).toEqual(expected);
      expect(countKept(masks, names)).toBe(keepCountFor(48, sparsity));
    }
  });

  it('is deterministic under the seed and differs between seeds', async () => {
    const a = await masksFor(0.5, 11);
    const b = await masksFor(0.5, 11);
    const c = await masksFor(0.5, 12);
    for (const n of names) expect([...a[n]]).toEqual([...b[n]]);
    expect(names.some((n) => a[n].some((v, i) => v !== c[n][i]))).toBe(true);
  });
});
