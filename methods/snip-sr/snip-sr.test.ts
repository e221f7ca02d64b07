import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { keepCountFor } from '../../harness/prune/mask-selection.ts';
import { tinyMlpKernelGradients, tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';
import { varianceRestoringFactors } from './rescale.ts';
import { connectionSensitivity } from '../../api/method-kit/connection-sensitivity.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'] as const;

// The tiny 2-3-2 MLP of methods/snip's golden test. Kernels are [inputs, units], row-major:
// fc1 rows [0.5, -0.3, 0.8] and [-0.6, 0.9, 0.2]; fc2 rows [0.7, -0.4], [-0.5, 0.6], [0.3, 0.9].
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

async function run(sparsity: number, hyperparameters: Record<string, number> = { batchSize: 4 }): Promise<PruneResult> {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, hyperparameters });
  try {
    return await prune(ctx);
  } finally {
    network.dispose();
  }
}

describe('snip-sr', () => {
  it('scores |g ⊙ θ| with g the gradient of the mean loss on the batch (as snip)', async () => {
    const g = tinyMlpKernelGradients(weights, [...weights['fc1/kernel']], [...weights['fc2/kernel']]);
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest, hyperparameters: { batchSize: 4 } });
    const scores = connectionSensitivity(ctx, ctx.network.getWeights([...names]), 1, 4);
    network.dispose();
    [...scores['fc1/kernel']].forEach((s, i) => expect(s).toBeCloseTo(Math.abs(g['fc1/kernel'][i] * weights['fc1/kernel'][i]), 6));
    [...scores['fc2/kernel']].forEach((s, i) => expect(s).toBeCloseTo(Math.abs(g['fc2/kernel'][i] * weights['fc2/kernel'][i]), 6));
  });

  it('keeps the highest sensitivities globally: the masks of snip', async () => {
    // Sensitivities (flat): fc1 .1687 .0894 .1472 .1243 .0799 .0146 | fc2 .0605 .0346 .0083 .0099 .0845 .2536
    // (methods/snip's golden test). s = 0.5 keeps 6: fc1 flats 0-3, fc2 flats 4, 5; s = 0.75 keeps 3: fc1 0, 2, fc2 5.
    for (const [sparsity, fc1, fc2] of [
      [0.5, [1, 1, 1, 1, 0, 0], [0, 0, 0, 0, 1, 1]],
      [0.75, [1, 0, 1, 0, 0, 0], [0, 0, 0, 0, 0, 1]],
    ] as const) {
      const result = await run(sparsity);
      if (!('masks' in result)) throw new Error('snip-sr returns masks');
      expect([...result.masks['fc1/kernel']]).toEqual(fc1);
      expect([...result.masks['fc2/kernel']]).toEqual(fc2);
      const kept = [...result.masks['fc1/kernel'], ...result.masks['fc2/kernel']].filter((m) => m === 1).length;
      expect(kept).toBe(keepCountFor(12, sparsity));
    }
  });

  it('rescales each output unit by sqrt(Σ w² / Σ kept w²), worked out by hand', async () => {
    // s = 0.5. fc1 unit (column) 0: 0.5, −0.6 both kept → 1. Unit 1: −0.3 kept, 0.9 cut → sqrt((0.09 + 0.81) / 0.09) = sqrt(10).
    // Unit 2: 0.8 kept, 0.2 cut → sqrt((0.64 + 0.04) / 0.64) = sqrt(1.0625).
    // fc2 unit 0: 0.7, −0.5 cut, 0.3 kept → sqrt((0.49 + 0.25 + 0.09) / 0.09) = sqrt(83/9).
    // Unit 1: −0.4, 0.6 cut, 0.9 kept → sqrt((0.16 + 0.36 + 0.81) / 0.81) = sqrt(133/81).
    const half = await run(0.5);
    expect(half.scaleFactors).toBeDefined();
    const expectedHalf = { 'fc1/kernel': [1, Math.sqrt(10), Math.sqrt(1.0625)], 'fc2/kernel': [Math.sqrt(83 / 9), Math.sqrt(133 / 81)] };
    for (const name of names) {
      expect(half.scaleFactors![name]).toBeInstanceOf(Float32Array);
      expect(half.scaleFactors![name].length).toBe(expectedHalf[name].length);
      [...half.scaleFactors![name]].forEach((f, unit) => expect(f).toBeCloseTo(expectedHalf[name][unit], 5));
    }
    // s = 0.75. fc1 unit 0: only 0.5 kept → sqrt((0.25 + 0.36) / 0.25) = sqrt(2.44); unit 1 keeps nothing → 1;
    // unit 2 as above. fc2 unit 0 keeps nothing → 1; unit 1 keeps 0.9 → sqrt(133/81).
    const quarter = await run(0.75);
    const expectedQuarter = { 'fc1/kernel': [Math.sqrt(2.44), 1, Math.sqrt(1.0625)], 'fc2/kernel': [1, Math.sqrt(133 / 81)] };
    for (const name of names) [...quarter.scaleFactors![name]].forEach((f, unit) => expect(f).toBeCloseTo(expectedQuarter[name][unit], 5));
  });

  it("restores every unit's pre-pruning sum of squares over its kept weights", async () => {
    const result = await run(0.5);
    if (!('masks' in result)) throw new Error('snip-sr returns masks');
    for (const [name, units] of [
      ['fc1/kernel', 3],
      ['fc2/kernel', 2],
    ] as const) {
      const w = weights[name];
      const mask = result.masks[name];
      const factors = result.scaleFactors![name];
      for (let unit = 0; unit < units; unit++) {
        let before = 0;
        let after = 0;
        for (let i = unit; i < w.length; i += units) {
          before += w[i] * w[i];
          after += mask[i] * (w[i] * factors[unit]) ** 2;
        }
        expect(after).toBeCloseTo(before, 5);
      }
    }
  });

  it('indexes a kernel by its last dimension: weight i belongs to unit i mod units', () => {
    // A [2, 2, 1, 2] conv kernel (kh, kw, cin, filters): filter 0 holds flats 0, 2, 4, 6 = 1, 2, 2, 4; filter 1 holds 3, 3, 3, 3.
    const kernel = Float32Array.from([1, 3, 2, 3, 2, 3, 4, 3]);
    const mask = Float32Array.from([0, 1, 0, 1, 0, 0, 1, 0]);
    // Filter 0 keeps only 4: sqrt((1 + 4 + 4 + 16) / 16) = 1.25. Filter 1 keeps two of four 3s: sqrt(36 / 18) = sqrt(2).
    const factors = varianceRestoringFactors(kernel, mask, 2);
    expect(factors[0]).toBe(1.25);
    expect(factors[1]).toBeCloseTo(Math.SQRT2, 6);
  });

  it('is refused a batch count below 1 by its manifest declaration', async () => {
    await expect(run(0.5, { batches: 0 })).rejects.toThrow(/method 'snip-sr': hyperparameter 'batches' = 0 must be ≥ 1/);
  });
});
