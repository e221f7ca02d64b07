import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type * as tfcore from '@tensorflow/tfjs-core';
import type { MethodManifest, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyClassificationData, tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { metaGradients, prune, twiceDifferentiableLoss } from './index.ts';

type Tensor = tfcore.Tensor;

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'] as const;
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

/** Parameters of the 2-3-2 ReLU MLP in float64: w1 [2,3], b1 [3], w2 [3,2], b2 [2], row-major. */
interface Params {
  w1: number[];
  b1: number[];
  w2: number[];
  b2: number[];
}

const data = tinyClassificationData();
const points = [0, 1, 2, 3].map((i) => [data.x[2 * i], data.x[2 * i + 1]]);
const labels = [...data.y];

/** Mean softmax cross-entropy on the four points and its gradient, by hand. */
function lossAndGradient(p: Params): { loss: number; grad: Params } {
  const grad: Params = { w1: new Array(6).fill(0), b1: new Array(3).fill(0), w2: new Array(6).fill(0), b2: new Array(2).fill(0) };
  let loss = 0;
  points.forEach((x, b) => {
    const z = [0, 1, 2].map((j) => x[0] * p.w1[j] + x[1] * p.w1[3 + j] + p.b1[j]);
    const h = z.map((v) => Math.max(0, v));
    const o = [0, 1].map((k) => h.reduce((s, hj, j) => s + hj * p.w2[2 * j + k], p.b2[k]));
    const logPartition = Math.log(Math.exp(o[0]) + Math.exp(o[1]));
    loss += (logPartition - o[labels[b]]) / 4;
    const dO = [0, 1].map((k) => (Math.exp(o[k] - logPartition) - (labels[b] === k ? 1 : 0)) / 4);
    for (let k = 0; k < 2; k++) grad.b2[k] += dO[k];
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 2; k++) grad.w2[2 * j + k] += h[j] * dO[k];
      const dZ = z[j] > 0 ? dO[0] * p.w2[2 * j] + dO[1] * p.w2[2 * j + 1] : 0;
      grad.b1[j] += dZ;
      for (let i = 0; i < 2; i++) grad.w1[3 * i + j] += x[i] * dZ;
    }
  });
  return { loss, grad };
}

/** L(θ_k) for masks m1, m2: θ_0 = θ ⊙ m, then k full-batch SGD steps at rate lr. */
function unrolledLoss(m1: number[], m2: number[], k: number, lr: number): number {
  let p: Params = {
    w1: [...weights['fc1/kernel']].map((w, i) => w * m1[i]),
    b1: [...weights['fc1/bias']],
    w2: [...weights['fc2/kernel']].map((w, i) => w * m2[i]),
    b2: [...weights['fc2/bias']],
  };
  for (let t = 0; t < k; t++) {
    const { grad } = lossAndGradient(p);
    p = {
      w1: p.w1.map((v, i) => v - lr * grad.w1[i]),
      b1: p.b1.map((v, i) => v - lr * grad.b1[i]),
      w2: p.w2.map((v, i) => v - lr * grad.w2[i]),
      b2: p.b2.map((v, i) => v - lr * grad.b2[i]),
    };
  }
  return lossAndGradient(p).loss;
}

/** Central finite differences of the unrolled loss in each mask entry at m = 1. */
function finiteDifferenceMetaGradient(k: number, lr: number): { fc1: number[]; fc2: number[] } {
  const step = 1e-6;
  const ones = () => new Array<number>(6).fill(1);
  const along = (layer: 0 | 1, i: number) => {
    const plus = [ones(), ones()];
    const minus = [ones(), ones()];
    plus[layer][i] += step;
    minus[layer][i] -= step;
    return (unrolledLoss(plus[0], plus[1], k, lr) - unrolledLoss(minus[0], minus[1], k, lr)) / (2 * step);
  };
  return { fc1: [0, 1, 2, 3, 4, 5].map((i) => along(0, i)), fc2: [0, 1, 2, 3, 4, 5].map((i) => along(1, i)) };
}

async function prosprScores(hyperparameters: Record<string, number | boolean | string>, sparsity = 0.5): Promise<WeightMap> {
  const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, hyperparameters });
  try {
    const result = (await prune(ctx)) as PruneResult;
    if (!('scores' in result)) throw new Error('prospr must return scores');
    return result.scores;
  } finally {
    network.dispose();
  }
}

describe('prospr', () => {
  it('scores |∂L(θ_k)/∂m| through k unrolled SGD steps, as finite differences give (k = 2, η = 0.5)', async () => {
    const reference = finiteDifferenceMetaGradient(2, 0.5);
    // The meta-gradient is not the one-step |θ ⊙ g| ranking: the unrolled steps change it.
    const snip = lossAndGradient({
      w1: [...weights['fc1/kernel']],
      b1: [...weights['fc1/bias']],
      w2: [...weights['fc2/kernel']],
      b2: [...weights['fc2/bias']],
    }).grad;
    expect(reference.fc1.map((g, i) => Math.abs(Math.abs(g) - Math.abs(snip.w1[i] * weights['fc1/kernel'][i]))).some((d) => d > 1e-3)).toBe(
      true,
    );
    const scores = await prosprScores({ steps: 2, innerLearningRate: 0.5, batchSize: 4 });
    [...scores['fc1/kernel']].forEach((s, i) => expect(s).toBeCloseTo(Math.abs(reference.fc1[i]), 5));
    [...scores['fc2/kernel']].forEach((s, i) => expect(s).toBeCloseTo(Math.abs(reference.fc2[i]), 5));
  });

  it('with k = 0 is SNIP: |θ ⊙ g| at initialisation', async () => {
    const { grad } = lossAndGradient({
      w1: [...weights['fc1/kernel']],
      b1: [...weights['fc1/bias']],
      w2: [...weights['fc2/kernel']],
      b2: [...weights['fc2/bias']],
    });
    const scores = await prosprScores({ steps: 0, batchSize: 4 });
    [...scores['fc1/kernel']].forEach((s, i) => expect(s).toBeCloseTo(Math.abs(grad.w1[i] * weights['fc1/kernel'][i]), 6));
    [...scores['fc2/kernel']].forEach((s, i) => expect(s).toBeCloseTo(Math.abs(grad.w2[i] * weights['fc2/kernel'][i]), 6));
    // The finite differences of the k = 0 loss agree with the closed form (a check on the reference itself).
    const fd = finiteDifferenceMetaGradient(0, 0.1);
    fd.fc1.forEach((g, i) => expect(g).toBeCloseTo(grad.w1[i] * weights['fc1/kernel'][i], 7));
  });

  it('with the default k = 3 and η = 0.1 matches finite differences, and a fresh full batch per step changes nothing', async () => {
    const reference = finiteDifferenceMetaGradient(3, 0.1);
    const scores = await prosprScores({ batchSize: 4 });
    [...scores['fc1/kernel']].forEach((s, i) => expect(s).toBeCloseTo(Math.abs(reference.fc1[i]), 5));
    [...scores['fc2/kernel']].forEach((s, i) => expect(s).toBeCloseTo(Math.abs(reference.fc2[i]), 5));
    // A batch of 4 is all four points, in another order: the mean loss and so the scores are the same.
    const fresh = await prosprScores({ batchSize: 4, newBatchPerStep: true });
    for (const name of names) [...fresh[name]].forEach((s, i) => expect(s).toBeCloseTo(scores[name][i], 6));
  });

  it('first-order: θ ⊙ ∇L(θ_k), the inner gradients taken as constants (k = 2, η = 0.5)', async () => {
    let p: Params = {
      w1: [...weights['fc1/kernel']],
      b1: [...weights['fc1/bias']],
      w2: [...weights['fc2/kernel']],
      b2: [...weights['fc2/bias']],
    };
    for (let t = 0; t < 2; t++) {
      const { grad } = lossAndGradient(p);
      p = {
        w1: p.w1.map((v, i) => v - 0.5 * grad.w1[i]),
        b1: p.b1.map((v, i) => v - 0.5 * grad.b1[i]),
        w2: p.w2.map((v, i) => v - 0.5 * grad.w2[i]),
        b2: p.b2.map((v, i) => v - 0.5 * grad.b2[i]),
      };
    }
    const atK = lossAndGradient(p).grad;
    const scores = await prosprScores({ steps: 2, innerLearningRate: 0.5, batchSize: 4, metaGradient: 'first-order' });
    [...scores['fc1/kernel']].forEach((s, i) => expect(s).toBeCloseTo(Math.abs(weights['fc1/kernel'][i] * atK.w1[i]), 5));
    [...scores['fc2/kernel']].forEach((s, i) => expect(s).toBeCloseTo(Math.abs(weights['fc2/kernel'][i] * atK.w2[i]), 5));
    // It differs from the full meta-gradient, which finite differences confirm.
    const full = finiteDifferenceMetaGradient(2, 0.5);
    expect(full.fc1.some((g, i) => Math.abs(Math.abs(g) - scores['fc1/kernel'][i]) > 1e-3)).toBe(true);
  });

  it('on a convolutional network with max-pooling: the full meta-gradient is the one a dense rewrite of the same network gives', async () => {
    // conv 2@2×2 → conv 2@3×3 (ReLU) → max-pool 2×2 → dense 2 on 7×7 inputs, as LeNet-5 in small: the
    // second derivative goes through the gradients of conv2d (for its input and its kernel) and of
    // maxPool, two of which tfjs cannot differentiate without ./second-order-gradients.ts.
    const spec: ArchitectureSpec = {
      id: 'prospr-conv',
      inputShape: [7, 7, 1],
      layers: [
        { kind: 'conv2d', name: 'conv1', filters: 2, kernelSize: 2, padding: 'valid', activation: 'relu' },
        { kind: 'conv2d', name: 'conv2', filters: 2, kernelSize: 3, padding: 'valid', activation: 'relu' },
        { kind: 'maxPool', size: 2 },
        { kind: 'flatten' },
        { kind: 'dense', name: 'fc1', units: 2, activation: 'linear' },
      ],
    };
    const convWeights: WeightMap = {
      'conv1/kernel': Float32Array.from({ length: 8 }, (_, i) => 0.4 * ((i % 3) - 1) + 0.1 * i),
      'conv1/bias': Float32Array.from([0.05, 0.1]),
      'conv2/kernel': Float32Array.from({ length: 36 }, (_, i) => 0.3 * ((i % 5) - 2) + 0.02 * i),
      'conv2/bias': Float32Array.from([0.1, 0.05]),
      'fc1/kernel': Float32Array.from({ length: 16 }, (_, i) => 0.2 * ((i % 7) - 3)),
      'fc1/bias': Float32Array.from([0.02, -0.01]),
    };
    const train = {
      n: 2,
      inputShape: [7, 7, 1],
      x: Float32Array.from({ length: 98 }, (_, i) => ((i * 5) % 11) / 11),
      y: Int32Array.from([0, 1]),
      outputSize: 2,
    };
    const settings = { steps: 2, learningRate: 0.5 };
    const scoresOf = async (metaGradient: string): Promise<WeightMap> => {
      const { ctx, network } = await tinyPruneContext({
        spec,
        weights: convWeights,
        sparsity: 0.5,
        manifest,
        hyperparameters: { batchSize: 2, steps: settings.steps, innerLearningRate: settings.learningRate, metaGradient },
        train,
      });
      try {
        const result = (await prune(ctx)) as PruneResult;
        if (!('scores' in result)) throw new Error('prospr must return scores');
        return result.scores;
      } finally {
        network.dispose();
      }
    };
    const full = await scoresOf('full');
    const firstOrder = await scoresOf('first-order');

    // The same network with conv2d as a sum of shifted matrix products and max-pooling as a max over
    // reshaped windows: ops whose second derivatives tfjs has (the MLP tests above check them).
    const { ctx, network } = await tinyPruneContext({ spec, weights: convWeights, sparsity: 0.5, manifest, train });
    try {
      const { tf } = ctx;
      /** A 'valid' stride-1 convolution with ReLU, as Σ over kernel taps of (shifted input) × (tap). */
      const convolution = (x: Tensor, kernel: Tensor, bias: Tensor): Tensor => {
        const [n, height, width, inChannels] = x.shape;
        const [size, , , outChannels] = kernel.shape;
        const [outHeight, outWidth] = [height - size + 1, width - size + 1];
        let z = tf.zeros([n * outHeight * outWidth, outChannels]);
        for (let di = 0; di < size; di++)
          for (let dj = 0; dj < size; dj++) {
            const patch = tf.reshape(tf.slice(x, [0, di, dj, 0], [n, outHeight, outWidth, inChannels]), [-1, inChannels]);
            const tap = tf.reshape(tf.slice(kernel, [di, dj, 0, 0], [1, 1, inChannels, outChannels]), [inChannels, outChannels]);
            z = tf.add(z, tf.matMul(patch, tap));
          }
        return tf.relu(tf.add(tf.reshape(z, [n, outHeight, outWidth, outChannels]), bias));
      };
      const dense = (x: Tensor, p: Record<string, Tensor>): Tensor => {
        const n = x.shape[0];
        const h = convolution(convolution(x, p['conv1/kernel'], p['conv1/bias']), p['conv2/kernel'], p['conv2/bias']);
        // max(a, b) = b + relu(a − b): tf.max's and tf.maximum's gradients go through Equal and Less,
        // which tfjs cannot differentiate; relu's goes through Step, which it can.
        const larger = (a: Tensor, b: Tensor) => tf.add(b, tf.relu(tf.sub(a, b)));
        const windows = tf.reshape(h, [n, 2, 2, 2, 2, 2]);
        const at = (a: number, b: number) => tf.reshape(tf.slice(windows, [0, 0, a, 0, b, 0], [n, 2, 1, 2, 1, 2]), [n, 2, 2, 2]);
        const pooled = larger(larger(at(0, 0), at(0, 1)), larger(at(1, 0), at(1, 1)));
        return tf.add(tf.matMul(tf.reshape(pooled, [n, 8]), p['fc1/kernel']), p['fc1/bias']);
      };
      // Same values as the network's own forward pass.
      const [batch] = [...ctx.trainBatches(1, 2)];
      const params = Object.fromEntries(network.parameters.map((q) => [q.name, network.variable(q.name) as Tensor]));
      const ownOutputs = [...ctx.forward(batch.x, params).dataSync()];
      [...dense(batch.x, params).dataSync()].forEach((v, i) => expect(v).toBeCloseTo(ownOutputs[i], 5));

      const reference = metaGradients({ ...ctx, forward: dense as PruneContext['forward'] }, settings, () => batch);
      for (const name of ['conv1/kernel', 'conv2/kernel', 'fc1/kernel']) {
        // Within float32 rounding of the two summation orders, relative to scores up to about 6.
        [...full[name]].forEach((s, i) => expect(Math.abs(s - Math.abs(reference[name][i]))).toBeLessThan(1e-5 * Math.max(1, s)));
        // The second-order terms matter here: the first-order approximation is not the same score.
        expect([...firstOrder[name]].some((s, i) => Math.abs(s - Math.abs(reference[name][i])) > 1e-3)).toBe(true);
      }
    } finally {
      network.dispose();
    }
  });

  it('a layer tfjs cannot differentiate twice is refused with a pointer to the first-order meta-gradient', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    try {
      const { tf } = ctx;
      // tf.max's gradient goes through Equal, which has no gradient in tfjs.
      const forward = (x: Tensor, p: Record<string, Tensor>) =>
        tf.add(
          tf.matMul(
            tf.max(tf.stack([tf.add(tf.matMul(x, p['fc1/kernel']), p['fc1/bias']), tf.zeros([x.shape[0], 3])]), 0),
            p['fc2/kernel'],
          ),
          p['fc2/bias'],
        );
      const [batch] = [...ctx.trainBatches(1, 4)];
      expect(() =>
        metaGradients({ ...ctx, forward: forward as PruneContext['forward'] }, { steps: 1, learningRate: 0.1 }, () => batch),
      ).toThrow(/prospr: the full meta-gradient needs second derivatives .*Equal.* use metaGradient = first-order/);
    } finally {
      network.dispose();
    }
  });

  it("writes the task's cross-entropy with twice-differentiable ops: the same value as ctx.loss", async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    try {
      const { tf } = ctx;
      // Large logits too: the per-row shift keeps e^(o − c) finite.
      const outputs = tf.tensor2d([
        [0.3, -1.2],
        [2.5, 0.4],
        [90, 100],
        [-3, -3],
      ]);
      const targets = tf.tensor2d([
        [1, 0],
        [0, 1],
        [1, 0],
        [0, 1],
      ]);
      // By hand: mean of log(1 + e^(o_other − o_y)): log(1 + e^−1.5), log(1 + e^2.1), log(1 + e^10), log 2.
      const byHand = (Math.log1p(Math.exp(-1.5)) + Math.log1p(Math.exp(2.1)) + Math.log1p(Math.exp(10)) + Math.log(2)) / 4;
      expect(twiceDifferentiableLoss(ctx, outputs, targets).dataSync()[0]).toBeCloseTo(byHand, 5);
      expect(ctx.loss(outputs, targets).dataSync()[0]).toBeCloseTo(byHand, 5);
    } finally {
      network.dispose();
    }
  });

  it('keeps exactly the target count', async () => {
    for (const sparsity of [0.25, 0.5, 0.9]) {
      const masks = masksFromScores(await prosprScores({ batchSize: 4 }, sparsity), [...names], shapes, sparsity, manifest.scope, 0);
      expect(countKept(masks, [...names])).toBe(keepCountFor(12, sparsity));
    }
  });
});
