import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { kernelLayouts } from '../../harness/prune/structure.ts';
import { masksFromUnitScores } from '../../harness/prune/structured-mask-selection.ts';
import { tinyMlp, tinyMlpKernelGradients, tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

async function importance(sparsity: number, batches: number): Promise<Float32Array> {
  const { ctx, network } = await tinyPruneContext({
    weights,
    sparsity,
    manifest,
    hyperparameters: { batches },
    structure: { kind: 'neuron' },
  });
  const result = (await prune(ctx)) as PruneResult & { unitScores: WeightMap };
  network.dispose();
  expect(Object.keys(result.unitScores)).toEqual(['fc1/kernel']);
  return result.unitScores['fc1/kernel'];
}

describe('neuron-taylor', () => {
  // Each batch is the tiny data's 4 points (batch size 4), so every batch gives the same importance.
  const g = tinyMlpKernelGradients(weights, [...weights['fc1/kernel']], [...weights['fc2/kernel']]);
  const k1 = weights['fc1/kernel'];
  const b1 = weights['fc1/bias'];
  // I_j = (Σ_i g_ij w_ij + g_bj b_j)² over unit j's two incoming weights (i = 0, 1) and its bias.
  const reference = [0, 1, 2].map((j) => (g['fc1/kernel'][j] * k1[j] + g['fc1/kernel'][3 + j] * k1[3 + j] + g['fc1/bias'][j] * b1[j]) ** 2);

  it('scores each hidden unit by the squared sum of gradient × value over its weights and bias', async () => {
    const scores = await importance(0.25, 1);
    reference.forEach((v, j) => expect(scores[j]).toBeCloseTo(v, 7));
    // Not the sum of squares: the paper squares the group's sum.
    const sumOfSquares = [0, 1, 2].map(
      (j) => (g['fc1/kernel'][j] * k1[j]) ** 2 + (g['fc1/kernel'][3 + j] * k1[3 + j]) ** 2 + (g['fc1/bias'][j] * b1[j]) ** 2,
    );
    expect(sumOfSquares.some((v, j) => Math.abs(v - reference[j]) > 1e-4)).toBe(true);
  });

  it('averages over batches: three identical batches give the one-batch importance', async () => {
    const one = await importance(0.25, 1);
    const three = await importance(0.25, 3);
    [0, 1, 2].forEach((j) => expect(three[j]).toBeCloseTo(one[j], 7));
  });

  it('keeps the most important units', async () => {
    const order = [0, 1, 2].sort((a, b) => reference[b] - reference[a]);
    const masks = masksFromUnitScores({ 'fc1/kernel': await importance(0.5, 1) }, kernelLayouts(tinyMlp), { kind: 'neuron' }, 0.5, 0);
    // At 0.5 one unit of three stays: the most important one, with its two incoming weights.
    expect([0, 1, 2].filter((j) => masks['fc1/kernel'][j] === 1)).toEqual([order[0]]);
  });
});
