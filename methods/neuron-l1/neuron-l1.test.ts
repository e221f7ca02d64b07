import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { MethodManifest, PruneResult, Structure, WeightMap } from '../../api/method-api.ts';
import { expandVariants } from '../../api/method-variants.ts';
import { kernelLayouts } from '../../harness/prune/structure.ts';
import { masksFromUnitScores } from '../../harness/prune/structured-mask-selection.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

// The tiny 2-3-2 MLP; fc1/kernel [2, 3] row-major: rows are the inputs, columns the hidden units.
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

async function unitScores(structure: Structure, sparsity: number, spec?: ArchitectureSpec, w: WeightMap = weights): Promise<WeightMap> {
  const { ctx, network } = await tinyPruneContext({ spec, weights: w, sparsity, manifest, structure });
  const result = (await prune(ctx)) as PruneResult;
  network.dispose();
  if (!('unitScores' in result)) throw new Error('neuron-l1 must return unitScores');
  return result.unitScores;
}

describe('neuron-l1', () => {
  it('scores each hidden unit by the L1 norm of its incoming weights', async () => {
    // unit 0: |0.5| + |−0.6| = 1.1; unit 1: |−0.3| + |0.9| = 1.2; unit 2: |0.8| + |0.2| = 1.0. The output layer gets no scores.
    const scores = await unitScores({ kind: 'neuron' }, 0.25);
    expect(Object.keys(scores)).toEqual(['fc1/kernel']);
    [1.1, 1.2, 1.0].forEach((v, j) => expect(scores['fc1/kernel'][j]).toBeCloseTo(v, 6));
  });

  it('gives the hand-derived masks: at 0.25 units 0 and 1 stay, at 0.5 unit 1 alone', async () => {
    const layouts = kernelLayouts((await import('../../harness/testing/tiny-context.ts')).tinyMlp);
    const quarter = masksFromUnitScores(await unitScores({ kind: 'neuron' }, 0.25), layouts, { kind: 'neuron' }, 0.25, 0);
    expect([...quarter['fc1/kernel']]).toEqual([1, 1, 0, 1, 1, 0]);
    expect([...quarter['fc2/kernel']]).toEqual([1, 1, 1, 1, 0, 0]);
    const half = masksFromUnitScores(await unitScores({ kind: 'neuron' }, 0.5), layouts, { kind: 'neuron' }, 0.5, 0);
    expect([...half['fc1/kernel']]).toEqual([0, 1, 0, 0, 1, 0]);
    expect([...half['fc2/kernel']]).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('scores a filter by the L1 norm of its whole kernel (every position and input channel)', async () => {
    const conv: ArchitectureSpec = {
      id: 'tiny-conv',
      inputShape: [3, 3, 1],
      layers: [
        { kind: 'conv2d', name: 'c1', filters: 2, kernelSize: 2, padding: 'valid', activation: 'relu' },
        { kind: 'flatten' },
        { kind: 'dense', name: 'fc', units: 2, activation: 'linear' },
      ],
    };
    // c1/kernel [2, 2, 1, 2]: index (position · 1 + channel) · 2 + filter, so even indices are filter 0.
    const w: WeightMap = {
      'c1/kernel': Float32Array.from([1, -2, 3, 0.5, -1, 0.5, 0, 1]),
      'c1/bias': new Float32Array(2),
      'fc/kernel': new Float32Array(16).fill(0.1),
      'fc/bias': new Float32Array(2),
    };
    const train = { n: 4, inputShape: [3, 3, 1], x: new Float32Array(36).fill(0.5), y: Int32Array.from([0, 1, 0, 1]), outputSize: 2 };
    const { ctx, network } = await tinyPruneContext({
      spec: conv,
      weights: w,
      sparsity: 0.5,
      manifest,
      structure: { kind: 'filter' },
      train,
    });
    const result = (await prune(ctx)) as PruneResult & { unitScores: WeightMap };
    network.dispose();
    // filter 0: 1 + 3 + 1 + 0 = 5; filter 1: 2 + 0.5 + 0.5 + 1 = 4.
    expect([...result.unitScores['c1/kernel']]).toEqual([5, 4]);
  });

  it('refuses a job that is not a unit structure', async () => {
    await expect(unitScores({ kind: 'n:m', n: 2, m: 4 }, 0.5)).rejects.toThrow(
      "neuron-l1: prunes whole units (neuron or filter jobs); this job's structure is n:m",
    );
  });

  it('declares the variant neuron-reinit, its structure re-initialised and trained from scratch by the harness', () => {
    const [own, reinit] = expandVariants(manifest);
    expect(own.reinit).toBeUndefined();
    expect(reinit).toMatchObject({
      id: 'neuron-reinit',
      reinit: true,
      when: 'after-training',
      structures: ['neuron', 'filter'],
      variantOf: 'neuron-l1',
    });
  });
});
