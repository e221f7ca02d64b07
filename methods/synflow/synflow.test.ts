import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { MaskMap, MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { checkMasks, countKept, keepCountFor } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

interface DenseNet {
  sizes: number[];
  weights: WeightMap;
}

/**
 * SynFlow for a dense net in float64, by explicit products: with |θ|, masks and the all-ones input,
 * h_l = (|W_l| ⊙ m_l)ᵀ h_{l−1} + |b_l| (every value is ≥ 0, so ReLU is the identity) and
 * r_{l−1} = (|W_l| ⊙ m_l) r_l from r_L = 1; the score of W_l[i, j] is |W_l[i, j]| m · h_{l−1}[i] · r_l[j].
 * Pruned over `rounds` rounds with the same keep counts and tie rule as the method.
 */
function referenceMasks(net: DenseNet, sparsity: number, rounds: number): number[][] {
  const L = net.sizes.length - 1;
  const kernel = (l: number) => net.weights[`fc${l + 1}/kernel`];
  const bias = (l: number) => net.weights[`fc${l + 1}/bias`];
  let masks = Array.from({ length: L }, (_, l) => new Array<number>(kernel(l).length).fill(1));
  const total = masks.reduce((s, m) => s + m.length, 0);
  const keepCount = keepCountFor(total, sparsity);
  for (let round = 1; round <= rounds; round++) {
    const w = (l: number, i: number, j: number) => Math.abs(kernel(l)[i * net.sizes[l + 1] + j]) * masks[l][i * net.sizes[l + 1] + j];
    const h: number[][] = [new Array<number>(net.sizes[0]).fill(1)];
    for (let l = 0; l < L; l++)
      h.push(Array.from({ length: net.sizes[l + 1] }, (_, j) => h[l].reduce((s, hi, i) => s + hi * w(l, i, j), Math.abs(bias(l)[j]))));
    const r: number[][] = new Array(L + 1);
    r[L] = new Array<number>(net.sizes[L]).fill(1);
    for (let l = L - 1; l >= 0; l--)
      r[l] = Array.from({ length: net.sizes[l] }, (_, i) => r[l + 1].reduce((s, rj, j) => s + w(l, i, j) * rj, 0));
    const flat: { score: number; wasKept: number; index: number }[] = [];
    for (let l = 0; l < L; l++) {
      for (let i = 0; i < net.sizes[l]; i++)
        for (let j = 0; j < net.sizes[l + 1]; j++)
          flat.push({ score: w(l, i, j) * h[l][i] * r[l + 1][j], wasKept: masks[l][i * net.sizes[l + 1] + j], index: flat.length });
    }
    const keep =
      round === rounds ? keepCount : Math.max(keepCount, total - Math.round((1 - Math.pow(1 - sparsity, round / rounds)) * total));
    const kept = new Set(
      flat
        .sort((a, b) => b.score - a.score || b.wasKept - a.wasKept || a.index - b.index)
        .slice(0, keep)
        .map((e) => e.index),
    );
    let offset = 0;
    masks = masks.map((m) => {
      const next = m.map((_, i) => (kept.has(offset + i) ? 1 : 0));
      offset += m.length;
      return next;
    });
  }
  return masks;
}

function mlpSpec(sizes: number[]): ArchitectureSpec {
  return {
    id: `synflow-test-${sizes.length - 1}`,
    inputShape: [sizes[0]],
    layers: sizes.slice(1).map((units, l) => ({
      kind: 'dense' as const,
      name: `fc${l + 1}`,
      units,
      activation: l === sizes.length - 2 ? ('linear' as const) : ('relu' as const),
    })),
  };
}

async function synflowMasks(net: DenseNet, sparsity: number, rounds: number): Promise<MaskMap> {
  // SynFlow reads one sample only for its shape; the values are irrelevant.
  const train = {
    n: 2,
    inputShape: [net.sizes[0]],
    x: new Float32Array(2 * net.sizes[0]),
    y: Int32Array.from([0, 1]),
    outputSize: net.sizes[net.sizes.length - 1],
  };
  const { ctx, network } = await tinyPruneContext({
    spec: mlpSpec(net.sizes),
    weights: net.weights,
    train,
    sparsity,
    manifest,
    hyperparameters: { rounds },
  });
  const result = (await prune(ctx)) as PruneResult;
  network.dispose();
  if (!('masks' in result)) throw new Error('synflow must return masks');
  return result.masks;
}

const tiny: DenseNet = {
  sizes: [2, 3, 2],
  weights: {
    'fc1/kernel': Float32Array.from([0.5, -1.1, 0.2, 0.3, 0.4, -2.0]),
    'fc1/bias': Float32Array.from([0.1, 0.05, 0.3]),
    'fc2/kernel': Float32Array.from([1.0, -0.2, 0.1, 0.32, -0.6, 0.05]),
    'fc2/bias': Float32Array.from([0, 0]),
  },
};

describe('synflow', () => {
  // h = column sums of |W1| plus |b1| = [0.9, 1.55, 2.5]; r = row sums of |W2| = [1.2, 0.42, 0.65].
  // Scores (flat) |W1[i,j]|·r_j then |W2[j,k]|·h_j: .6 .462 .13 .36 .168 1.3 | .9 .18 .155 .496 1.5 .125.
  it('scores |θ ⊙ ∂R/∂θ| in one round', async () => {
    // s = 0.5 keeps 6: flats 10, 5, 6, 0, 9, 1; s = 0.75 keeps 10, 5, 6.
    for (const [sparsity, mask] of [
      [0.5, [1, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0]],
      [0.75, [0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0]],
    ] as const) {
      expect(referenceMasks(tiny, sparsity, 1).flat()).toEqual(mask);
      const masks = await synflowMasks(tiny, sparsity, 1);
      expect([...masks['fc1/kernel'], ...masks['fc2/kernel']]).toEqual(mask);
    }
  });

  it('re-scores after each round, which changes the mask', async () => {
    // Round 1 keeps 12 − round((1 − 0.5^½)·12) = 8: flats 10 5 6 0 9 1 3 7, pruning 2, 4, 8 and 11.
    // Then h = [0.9, 1.15, 2.3] and r = [1.2, 0.32, 0.6], so flat 1 drops to 1.1·0.32 = .352 while
    // flat 3 keeps .36 and flat 9 (.32·1.15 = .368, its h including |b1|) stays: 10 5 6 0 9 3 are kept.
    const expected = [1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0];
    expect(referenceMasks(tiny, 0.5, 2).flat()).toEqual(expected);
    const masks = await synflowMasks(tiny, 0.5, 2);
    expect([...masks['fc1/kernel'], ...masks['fc2/kernel']]).toEqual(expected);
  });

  it('keeps exactly the target count, with nested masks, over 100 rounds', async () => {
    for (const sparsity of [0.5, 0.75, 0.9]) {
      const masks = await synflowMasks(tiny, sparsity, 100);
      checkMasks(masks, ['fc1/kernel', 'fc2/kernel'], { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] });
      expect(countKept(masks, ['fc1/kernel', 'fc2/kernel'])).toBe(keepCountFor(12, sparsity));
      expect([...masks['fc1/kernel'], ...masks['fc2/kernel']]).toEqual(referenceMasks(tiny, sparsity, 100).flat());
    }
  });

  describe('on a 30-layer net whose synaptic flow leaves the float32 range', () => {
    const sizes = [4, ...new Array<number>(29).fill(6), 3];
    const deepNet = (scale: number): DenseNet => ({
      sizes,
      weights: Object.fromEntries(
        sizes.slice(1).flatMap((units, l) => [
          [
            `fc${l + 1}/kernel`,
            Float32Array.from({ length: sizes[l] * units }, (_, i) => scale * (0.2 + Math.abs(Math.sin(12.9898 * (i + 1) + 78.233 * l)))),
          ],
          [`fc${l + 1}/bias`, new Float32Array(units)],
        ]),
      ),
    });

    for (const [label, scale, naiveR] of [
      ['overflows', 30, Infinity],
      ['underflows', 1e-3, 0],
    ] as const) {
      it(`matches the float64 reference where R ${label}`, async () => {
        const net = deepNet(scale);
        const { ctx, network } = await tinyPruneContext({ spec: mlpSpec(sizes), weights: net.weights, sparsity: 0.9, manifest });
        const magnitudes = Object.fromEntries(
          ctx.network.parameters.map((p) => [p.name, ctx.tf.tensor(net.weights[p.name].map(Math.abs), p.shape)]),
        );
        expect(ctx.tf.sum(ctx.forward(ctx.tf.ones([1, 4]), magnitudes)).dataSync()[0]).toBe(naiveR);
        network.dispose();
        for (const rounds of [1, 4]) {
          const masks = await synflowMasks(net, 0.9, rounds);
          const reference = referenceMasks(net, 0.9, rounds);
          sizes.slice(1).forEach((_, l) => expect([...masks[`fc${l + 1}/kernel`]]).toEqual(reference[l]));
        }
      });
    }
  });

  it('runs on a conv net and keeps exactly the target count', async () => {
    const spec: ArchitectureSpec = {
      id: 'synflow-test-cnn',
      inputShape: [6, 6, 2],
      layers: [
        { kind: 'conv2d', name: 'conv1', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        { kind: 'maxPool', size: 2 },
        { kind: 'conv2d', name: 'conv2', filters: 4, kernelSize: 2, padding: 'valid', activation: 'relu' },
        { kind: 'flatten' },
        { kind: 'dense', name: 'fc1', units: 3, activation: 'linear' },
      ],
    };
    const shapes: Record<string, number[]> = {
      'conv1/kernel': [3, 3, 2, 3],
      'conv1/bias': [3],
      'conv2/kernel': [2, 2, 3, 4],
      'conv2/bias': [4],
      'fc1/kernel': [16, 3],
      'fc1/bias': [3],
    };
    const weights: WeightMap = Object.fromEntries(
      Object.entries(shapes).map(([n, s]) => [
        n,
        Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(3.1 * i + n.length)),
      ]),
    );
    const train = { n: 2, inputShape: [6, 6, 2], x: new Float32Array(144), y: Int32Array.from([0, 1]), outputSize: 3 };
    const names = ['conv1/kernel', 'conv2/kernel', 'fc1/kernel'];
    for (const sparsity of [0.8, 0.95]) {
      const { ctx, network } = await tinyPruneContext({ spec, weights, train, sparsity, manifest });
      const result = (await prune(ctx)) as { masks: MaskMap };
      network.dispose();
      checkMasks(result.masks, names, shapes);
      expect(countKept(result.masks, names)).toBe(keepCountFor(54 + 48 + 48, sparsity));
      for (const name of names) expect(countKept(result.masks, [name])).toBeGreaterThan(0);
    }
  });

  it('is refused a round count below 1 by its manifest declaration', async () => {
    await expect(synflowMasks(tiny, 0.5, 0)).rejects.toThrow(/method 'synflow': hyperparameter 'rounds' = 0 must be ≥ 1/);
  });
});
