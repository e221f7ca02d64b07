import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { MethodManifest, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { layerChain, propagateRelevance, prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;

/** A 2-2-1 ReLU MLP: fc1/kernel [2,2], fc2/kernel [2,1]. */
const mlp221: ArchitectureSpec = {
  id: 'lrp-2-2-1',
  inputShape: [2],
  layers: [
    { kind: 'dense', name: 'fc1', units: 2, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 1, activation: 'linear' },
  ],
};
// Kernels are [in, out], row-major: fc1 = [[w(x0→h0), w(x0→h1)], [w(x1→h0), w(x1→h1)]].
const weights221: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -1, 0.25, 0.5]),
  'fc1/bias': Float32Array.from([0.1, -0.2]),
  'fc2/kernel': Float32Array.from([2, -3]),
  'fc2/bias': Float32Array.from([0.3]),
};
// One regression sample x = (1, 2): the output itself is the relevance to explain.
const oneSample = { n: 1, inputShape: [2], x: Float32Array.from([1, 2]), y: Float32Array.from([0]), outputSize: 1 };

async function context221(hyperparameters: Record<string, number | string>, samples = oneSample) {
  return tinyPruneContext({
    spec: mlp221,
    weights: weights221,
    sparsity: 0.5,
    manifest,
    hyperparameters: { samples: samples.n, ...hyperparameters },
    train: samples,
  });
}

/** The method's scores on the context (lrp returns scores, never masks). */
async function scoresOf(ctx: PruneContext): Promise<WeightMap> {
  const result = (await prune(ctx)) as PruneResult;
  if (!('scores' in result)) throw new Error('lrp must return scores');
  return result.scores;
}

// By hand at x = (1, 2): z1 = (0.5 + 0.5 + 0.1, −1 + 1 − 0.2) = (1.1, −0.2), a = (1.1, 0); output 2·1.1 + 0.3 = 2.5.
describe('lrp', () => {
  it('z⁺: the exact relevance of each weight on the 2-2-1 net, conserved from output to inputs', async () => {
    // fc2: v = (2, 0), d = 1.1·2 = 2.2, s = 2.5/2.2: R(h0→o) = 1.1·2·s = 2.5, R(h1→o) = 0 (negative weight).
    // fc1: R_h = (2.5, 0); v = [[0.5, 0], [0.25, 0.5]], d = (0.5 + 0.5, 1.0), s = (2.5, 0):
    // R(x0→h0) = 1·0.5·2.5 = 1.25, R(x1→h0) = 2·0.25·2.5 = 1.25, R(x0→h1) = 0 (negative), R(x1→h1) = 2·0.5·0 = 0.
    const { ctx, network } = await context221({ rule: 'z-plus' });
    try {
      const scores = await scoresOf(ctx);
      [1.25, 0, 1.25, 0].forEach((r, i) => expect(scores['fc1/kernel'][i]).toBeCloseTo(r, 6));
      [2.5, 0].forEach((r, i) => expect(scores['fc2/kernel'][i]).toBeCloseTo(r, 6));
      const [batch] = ctx.trainBatches(1, 1);
      const relevance = propagateRelevance(ctx.tf, layerChain(ctx, batch), batch, { rule: 'z-plus', epsilon: 1e-9 }, 'regression');
      expect(relevance.output).toBeCloseTo(2.5, 6);
      expect([...relevance.inputs].map((r) => Number(r.toFixed(6)))).toEqual([1.25, 1.25]);
    } finally {
      network.dispose();
    }
  });

  it('ε: the exact relevance of each weight on the 2-2-1 net (ε = 0.01), biases absorbing their share', async () => {
    // fc2: d = 2.5 + 0.01, s = 2.5/2.51: R(h0→o) = 1.1·2·s = 2.191235, R(h1→o) = 0 (a1 = 0).
    // fc1: R_h = (2.191235, 0); d = (1.1 + 0.01, −0.2 − 0.01), s = (2.191235/1.11, 0) = (1.974086, 0):
    // R(x0→h0) = 1·0.5·s0 = 0.987043, R(x1→h0) = 2·0.25·s0 = 0.987043, R(x0→h1) = R(x1→h1) = 0.
    // Inputs get 1.974086 of 2.5: b2 absorbs 0.3·s = 0.298805, b1 0.1·s0 = 0.197409, ε the rest.
    const { ctx, network } = await context221({ rule: 'epsilon', epsilon: 0.01 });
    try {
      const scores = await scoresOf(ctx);
      [0.987043, 0, 0.987043, 0].forEach((r, i) => expect(scores['fc1/kernel'][i]).toBeCloseTo(r, 5));
      [2.191235, 0].forEach((r, i) => expect(scores['fc2/kernel'][i]).toBeCloseTo(r, 5));
    } finally {
      network.dispose();
    }
  });

  it('sums the relevance over the samples', async () => {
    // The same sample twice doubles every weight's relevance (samples = 2 draws both rows).
    const twice = { ...oneSample, n: 2, x: Float32Array.from([1, 2, 1, 2]), y: Float32Array.from([0, 0]) };
    const { ctx, network } = await context221({ rule: 'z-plus' }, twice);
    try {
      const scores = await scoresOf(ctx);
      [2.5, 0, 2.5, 0].forEach((r, i) => expect(scores['fc1/kernel'][i]).toBeCloseTo(r, 6));
      [5, 0].forEach((r, i) => expect(scores['fc2/kernel'][i]).toBeCloseTo(r, 6));
    } finally {
      network.dispose();
    }
  });

  it('conserves relevance on the tiny 2-3-2 classifier without biases: inputs receive the true logits', async () => {
    const weights: WeightMap = {
      'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
      'fc1/bias': new Float32Array(3),
      'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
      'fc2/bias': new Float32Array(2),
    };
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest, hyperparameters: { samples: 4 } });
    try {
      // True-class logits of the four points (labels 0, 1, 0, 1), by hand: h = relu(x·W1),
      // (1,0): h = (0.5, 0, 0.8), o0 = 0.35 + 0.24 = 0.59; (0,1): h = (0, 0.9, 0.2), o1 = 0.54 + 0.18 = 0.72;
      // (1,1): h = (0, 0.6, 1.0), o0 = −0.3 + 0.3 = 0; (−1,0.5): h = (0, 0.75, 0), o1 = 0.45. Sum 1.76.
      for (const rule of ['z-plus', 'epsilon'] as const) {
        const [batch] = ctx.trainBatches(1, 4);
        const relevance = propagateRelevance(ctx.tf, layerChain(ctx, batch), batch, { rule, epsilon: 1e-9 }, 'classification');
        batch.x.dispose();
        batch.y.dispose();
        expect(relevance.output).toBeCloseTo(1.76, 5);
        expect(relevance.inputs.reduce((a, b) => a + b, 0)).toBeCloseTo(1.76, 5);
        // Every layer passes on the same total.
        for (const layer of relevance.weights) expect(layer.reduce((a, b) => a + b, 0)).toBeCloseTo(1.76, 5);
      }
      const scores = await scoresOf(ctx);
      for (const sparsity of [0.25, 0.5, 0.9]) {
        const masks = masksFromScores(
          scores,
          ['fc1/kernel', 'fc2/kernel'],
          { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] },
          sparsity,
          'global',
          0,
        );
        expect(countKept(masks, ['fc1/kernel', 'fc2/kernel'])).toBe(keepCountFor(12, sparsity));
      }
    } finally {
      network.dispose();
    }
  });

  // conv 1@2×2 (valid, ReLU) → max-pool 2×2 → dense 1 on one 3×3 image, regression:
  //   x = [[1, 2, 0], [0, 1, 3], [2, 0, 1]], kernel [[1, −1], [0.5, 1]], biases 0, dense weight 2.
  // Conv outputs (0, 5.5, 0, −1) → ReLU (0, 5.5, 0, 0) → pool 5.5 from position (0, 1) → output 11.
  const convSpec = (activation: 'relu' | 'linear'): ArchitectureSpec => ({
    id: 'lrp-conv',
    inputShape: [3, 3, 1],
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 1, kernelSize: 2, padding: 'valid', activation },
      { kind: 'maxPool', size: 2 },
      { kind: 'flatten' },
      { kind: 'dense', name: 'fc1', units: 1, activation: 'linear' },
    ],
  });
  const convWeights: WeightMap = {
    'conv1/kernel': Float32Array.from([1, -1, 0.5, 1]),
    'conv1/bias': new Float32Array(1),
    'fc1/kernel': Float32Array.from([2]),
    'fc1/bias': new Float32Array(1),
  };
  const image = {
    n: 1,
    inputShape: [3, 3, 1],
    x: Float32Array.from([1, 2, 0, 0, 1, 3, 2, 0, 1]),
    y: Float32Array.from([0]),
    outputSize: 1,
  };
  const convContext = (hyperparameters: Record<string, number | string>, activation: 'relu' | 'linear' = 'relu') =>
    tinyPruneContext({
      spec: convSpec(activation),
      weights: convWeights,
      sparsity: 0.5,
      manifest,
      hyperparameters: { samples: 1, ...hyperparameters },
      train: image,
    });

  it('z⁺ on a convolution with max-pooling: the exact relevance of each weight, the winning window taking all', async () => {
    // fc1: d = 5.5·2, s = 1: R(fc1) = 5.5·2 = 11, all of it to the pooled value and so to position (0, 1).
    // conv1 at (0, 1): patch [[2, 0], [1, 3]], v = [[1, 0], [0.5, 1]], d = 2 + 0.5 + 3 = 5.5, s = 11/5.5 = 2:
    // R = v ⊙ patch · s = [[4, 0], [1, 6]] (other positions carry no relevance); sum 11, conserved.
    const { ctx, network } = await convContext({ rule: 'z-plus' });
    try {
      const scores = await scoresOf(ctx);
      [4, 0, 1, 6].forEach((r, i) => expect(scores['conv1/kernel'][i]).toBeCloseTo(r, 5));
      expect(scores['fc1/kernel'][0]).toBeCloseTo(11, 5);
      const [batch] = ctx.trainBatches(1, 1);
      const chain = layerChain(ctx, batch);
      expect(chain.map((l) => (l.kind === 'conv' ? `${l.kind}:${l.padding}:${l.pool}` : l.kind))).toEqual(['conv:valid:true', 'dense']);
      const relevance = propagateRelevance(ctx.tf, chain, batch, { rule: 'z-plus', epsilon: 1e-9 }, 'regression');
      // Inputs: x01·1·2 = 4, x11·0.5·2 = 1, x12·1·2 = 6; x02 meets a clamped weight.
      expect([...relevance.inputs].map((r) => Number(r.toFixed(5)))).toEqual([0, 4, 0, 0, 1, 6, 0, 0, 0]);
    } finally {
      network.dispose();
    }
  });

  it('ε on a convolution with max-pooling (ε = 0.01): the exact relevance of each weight', async () => {
    // fc1: d = 11.01, s = 11/11.01; R(fc1) = 5.5·2·s = 10.990009, all to position (0, 1).
    // conv1: z = 5.5, d = 5.51, s = 10.990009/5.51 = 1.994557; R = w ⊙ patch · s = (2, −0, 0.5, 3)·s.
    const { ctx, network } = await convContext({ rule: 'epsilon', epsilon: 0.01 });
    try {
      const scores = await scoresOf(ctx);
      [3.989114, 0, 0.997279, 5.983672].forEach((r, i) => expect(scores['conv1/kernel'][i]).toBeCloseTo(r, 4));
      expect(scores['fc1/kernel'][0]).toBeCloseTo(10.990009, 4);
    } finally {
      network.dispose();
    }
  });

  it("reads a LeNet-like chain (a 'same' convolution, then one with pooling) and conserves relevance through it", async () => {
    const spec: ArchitectureSpec = {
      id: 'lrp-lenet-like',
      inputShape: [6, 6, 1],
      layers: [
        { kind: 'conv2d', name: 'conv1', filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' },
        { kind: 'conv2d', name: 'conv2', filters: 3, kernelSize: 3, padding: 'valid', activation: 'relu' },
        { kind: 'maxPool', size: 2 },
        { kind: 'flatten' },
        { kind: 'dense', name: 'fc1', units: 4, activation: 'relu' },
        { kind: 'dense', name: 'fc2', units: 2, activation: 'linear' },
      ],
    };
    const pattern = (length: number, scale: number) => Float32Array.from({ length }, (_, i) => scale * (((i * 7) % 11) - 4));
    const weights: WeightMap = {
      'conv1/kernel': pattern(18, 0.1),
      'conv1/bias': new Float32Array(2),
      'conv2/kernel': pattern(54, 0.08),
      'conv2/bias': new Float32Array(3),
      'fc1/kernel': pattern(48, 0.1),
      'fc1/bias': new Float32Array(4),
      'fc2/kernel': pattern(8, 0.2),
      'fc2/bias': new Float32Array(2),
    };
    const train = {
      n: 3,
      inputShape: [6, 6, 1],
      x: Float32Array.from({ length: 108 }, (_, i) => ((i * 5) % 13) / 13),
      y: Int32Array.from([0, 1, 1]),
      outputSize: 2,
    };
    const { ctx, network } = await tinyPruneContext({ spec, weights, sparsity: 0.5, manifest, hyperparameters: { samples: 3 }, train });
    try {
      const [batch] = ctx.trainBatches(1, 3);
      const chain = layerChain(ctx, batch);
      expect(chain.map((l) => (l.kind === 'conv' ? `${l.kind}:${l.padding}:${l.pool}` : l.kind))).toEqual([
        'conv:same:false',
        'conv:valid:true',
        'dense',
        'dense',
      ]);
      const relevance = propagateRelevance(ctx.tf, chain, batch, { rule: 'z-plus', epsilon: 1e-9 }, 'classification');
      expect(Math.abs(relevance.output)).toBeGreaterThan(0.01);
      // No biases: every layer passes on the output's relevance, and the inputs receive it.
      for (const layer of relevance.weights) expect(layer.reduce((a, b) => a + b, 0)).toBeCloseTo(relevance.output, 4);
      expect(relevance.inputs.reduce((a, b) => a + b, 0)).toBeCloseTo(relevance.output, 4);
    } finally {
      network.dispose();
    }
  });

  it('refuses a network it cannot read as such a chain, naming what it supports', async () => {
    // A convolution without its ReLU (its outputs all negative, so the ReLU would matter): no reading
    // reproduces the network's outputs.
    const { ctx, network } = await tinyPruneContext({
      spec: convSpec('linear'),
      weights: { ...convWeights, 'conv1/bias': Float32Array.from([-10]) },
      sparsity: 0.5,
      manifest,
      hyperparameters: { samples: 1 },
      train: image,
    });
    try {
      expect(() => prune(ctx)).toThrow(/lrp: supports convolutions .* the network computes something else/);
    } finally {
      network.dispose();
    }
  });
});
