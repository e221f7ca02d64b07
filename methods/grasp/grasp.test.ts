import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { Dataset } from '../../engine/types.ts';
import type { MethodManifest, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyClassificationData, tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { prune } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

// No preactivation of the four tiny points is near 0, so the Hessian is the smooth one of a fixed ReLU pattern.
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

/**
 * GraSP by hand for the 2-3-2 ReLU MLP in float64: g = ∇L of the mean cross-entropy of logits / T,
 * Hg by forward-mode differentiation of the backward pass along g (ReLU pattern fixed), S = −θ ⊙ Hg.
 */
function referenceGrasp(w: WeightMap, xs: number[][], labels: number[], temperature: number): { fc1: number[]; fc2: number[] } {
  const K1 = w['fc1/kernel'];
  const K2 = w['fc2/kernel'];
  const pass = (V1: number[] | null, V2: number[] | null) => {
    const g1 = new Array<number>(6).fill(0);
    const g2 = new Array<number>(6).fill(0);
    xs.forEach((x, b) => {
      const z = [0, 1, 2].map((j) => x[0] * K1[j] + x[1] * K1[3 + j] + w['fc1/bias'][j]);
      const active = z.map((v) => (v > 0 ? 1 : 0));
      const h = z.map((v, j) => v * active[j]);
      const dh = [0, 1, 2].map((j) => (V1 ? (x[0] * V1[j] + x[1] * V1[3 + j]) * active[j] : 0));
      const s = [0, 1].map((k) => h.reduce((acc, hj, j) => acc + hj * K2[2 * j + k], w['fc2/bias'][k]) / temperature);
      const ds = [0, 1].map(
        (k) => [0, 1, 2].reduce((acc, j) => acc + dh[j] * K2[2 * j + k] + (V2 ? h[j] * V2[2 * j + k] : 0), 0) / temperature,
      );
      const p = [Math.exp(s[0]), Math.exp(s[1])].map((e, _, all) => e / (all[0] + all[1]));
      const pds = p[0] * ds[0] + p[1] * ds[1];
      // e = ∂L/∂outputs and, under a tangent, its directional derivative de.
      const e = [0, 1].map((k) => (p[k] - (labels[b] === k ? 1 : 0)) / (temperature * xs.length));
      const de = [0, 1].map((k) => (p[k] * ds[k] - p[k] * pds) / (temperature * xs.length));
      for (let j = 0; j < 3; j++) {
        for (let k = 0; k < 2; k++) g2[2 * j + k] += V1 || V2 ? dh[j] * e[k] + h[j] * de[k] : h[j] * e[k];
        const back =
          active[j] *
          (V1 || V2
            ? de[0] * K2[2 * j] + de[1] * K2[2 * j + 1] + (V2 ? e[0] * V2[2 * j] + e[1] * V2[2 * j + 1] : 0)
            : e[0] * K2[2 * j] + e[1] * K2[2 * j + 1]);
        for (let i = 0; i < 2; i++) g1[3 * i + j] += x[i] * back;
      }
    });
    return { g1, g2 };
  };
  const { g1, g2 } = pass(null, null);
  const hg = pass(g1, g2);
  return { fc1: hg.g1.map((v, i) => -K1[i] * v), fc2: hg.g2.map((v, i) => -K2[i] * v) };
}

async function graspScores(opts: {
  sparsity?: number;
  hyperparameters?: Record<string, number>;
  weights?: WeightMap;
  spec?: ArchitectureSpec;
  train?: Dataset;
}): Promise<WeightMap> {
  const { ctx, network } = await tinyPruneContext({
    weights: opts.weights ?? weights,
    spec: opts.spec,
    train: opts.train,
    sparsity: opts.sparsity ?? 0.5,
    manifest,
    hyperparameters: { samplesPerClass: 2, ...opts.hyperparameters },
  });
  const result = (await prune(ctx)) as PruneResult;
  network.dispose();
  if (!('scores' in result)) throw new Error('grasp must return scores');
  return result.scores;
}

const data = tinyClassificationData();
const xs = [0, 1, 2, 3].map((i) => [data.x[2 * i], data.x[2 * i + 1]]);
const labels = [...data.y];

function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let difference = 0;
  let size = 0;
  for (let i = 0; i < expected.length; i++) {
    difference += (actual[i] - expected[i]) ** 2;
    size += expected[i] ** 2;
  }
  return Math.sqrt(difference / size);
}

describe('grasp', () => {
  it('returns −S = θ ⊙ Hg, matching the hand computation at T = 200 and T = 1', async () => {
    for (const temperature of [200, 1]) {
      const S = referenceGrasp(weights, xs, labels, temperature);
      const scores = await graspScores({ hyperparameters: { temperature } });
      expect(
        relativeError(
          scores['fc1/kernel'],
          S.fc1.map((v) => -v),
        ),
      ).toBeLessThan(1e-5);
      expect(
        relativeError(
          scores['fc2/kernel'],
          S.fc2.map((v) => -v),
        ),
      ).toBeLessThan(1e-5);
    }
  });

  it('removes the weights with the largest S = −θ ⊙ Hg', async () => {
    const S = referenceGrasp(weights, xs, labels, 200);
    // S (flat, ×1e-6): fc1 −.539 −.393 −2.077 .323 −.300 −.002 | fc2 −1.505 −.860 −.913 −1.096 .286 −.859.
    // s = 0.5 removes the 6 largest (flats 3, 10, 5, 4, 1, 0); s = 0.75 removes 9 (also 11, 7, 8).
    const flatS = [...S.fc1, ...S.fc2];
    for (const [sparsity, mask] of [
      [0.5, [0, 0, 1, 0, 0, 0, 1, 1, 1, 1, 0, 1]],
      [0.75, [0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0]],
    ] as const) {
      const removeCount = 12 - keepCountFor(12, sparsity);
      const largestS = flatS
        .map((s, i) => ({ s, i }))
        .sort((a, b) => b.s - a.s)
        .slice(0, removeCount)
        .map((e) => e.i);
      expect(mask.flatMap((m, i) => (m === 0 ? [i] : []))).toEqual([...largestS].sort((a, b) => a - b));
      const masks = masksFromScores(await graspScores({ sparsity }), names, shapes, sparsity, manifest.scope, 0);
      expect([...masks['fc1/kernel'], ...masks['fc2/kernel']]).toEqual(mask);
    }
  });

  it('keeps exactly the target count', async () => {
    for (const sparsity of [0.25, 0.5, 0.9]) {
      const masks = masksFromScores(await graspScores({ sparsity }), names, shapes, sparsity, manifest.scope, 0);
      expect(countKept(masks, names)).toBe(keepCountFor(12, sparsity));
    }
  });

  it('scores on a class-balanced sample of samplesPerClass examples per class', async () => {
    // Six copies of one class-0 point and two of one class-1 point: only a 2 + 2 sample reproduces the balanced reference.
    const imbalanced: Dataset = {
      n: 8,
      inputShape: [2],
      x: Float32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, -1, 0.5, -1, 0.5]),
      y: Int32Array.from([0, 0, 0, 0, 0, 0, 1, 1]),
      outputSize: 2,
    };
    const S = referenceGrasp(
      weights,
      [
        [1, 0],
        [1, 0],
        [-1, 0.5],
        [-1, 0.5],
      ],
      [0, 0, 1, 1],
      200,
    );
    const unbalanced = referenceGrasp(
      weights,
      [
        [1, 0],
        [1, 0],
        [1, 0],
        [-1, 0.5],
      ],
      [0, 0, 0, 1],
      200,
    );
    expect(relativeError(unbalanced.fc1, S.fc1)).toBeGreaterThan(0.1);
    const scores = await graspScores({ train: imbalanced });
    expect(
      relativeError(
        scores['fc1/kernel'],
        S.fc1.map((v) => -v),
      ),
    ).toBeLessThan(1e-5);
    expect(
      relativeError(
        scores['fc2/kernel'],
        S.fc2.map((v) => -v),
      ),
    ).toBeLessThan(1e-5);
  });

  it('differentiates twice through conv2d and maxPool, agreeing with a finite difference of gradients', async () => {
    const spec: ArchitectureSpec = {
      id: 'grasp-test-cnn',
      inputShape: [6, 6, 1],
      layers: [
        { kind: 'conv2d', name: 'conv1', filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' },
        { kind: 'maxPool', size: 2 },
        { kind: 'conv2d', name: 'conv2', filters: 3, kernelSize: 2, padding: 'valid', activation: 'relu' },
        { kind: 'flatten' },
        { kind: 'dense', name: 'fc1', units: 2, activation: 'linear' },
      ],
    };
    const paramShapes: Record<string, number[]> = {
      'conv1/kernel': [3, 3, 1, 2],
      'conv1/bias': [2],
      'conv2/kernel': [2, 2, 2, 3],
      'conv2/bias': [3],
      'fc1/kernel': [12, 2],
      'fc1/bias': [2],
    };
    const convWeights: WeightMap = Object.fromEntries(
      Object.entries(paramShapes).map(([n, s]) => [
        n,
        Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => 0.6 * Math.sin(5.3 * i + n.length)),
      ]),
    );
    const images: Dataset = {
      n: 4,
      inputShape: [6, 6, 1],
      x: Float32Array.from({ length: 144 }, (_, i) => Math.cos(1.7 * i)),
      y: Int32Array.from([0, 1, 0, 1]),
      outputSize: 2,
    };
    const kernels = ['conv1/kernel', 'conv2/kernel', 'fc1/kernel'];
    const { ctx, network } = await tinyPruneContext({
      spec,
      weights: convWeights,
      train: images,
      sparsity: 0.5,
      manifest,
      hyperparameters: { samplesPerClass: 2, temperature: 200 },
    });
    const hadGradient = ctx.tf.getGradient('Conv2DBackpropFilter') != null;
    const result = (await prune(ctx)) as { scores: WeightMap };
    expect(ctx.tf.getGradient('Conv2DBackpropFilter') != null).toBe(hadGradient);

    // Independent check with first derivatives only: Hg ≈ (∇L(θ + εg) − ∇L(θ − εg)) / 2ε on the whole
    // (already balanced) data set; at two steps, so that no ReLU switches between the points.
    const tf = ctx.tf;
    const x = tf.tensor(images.x, [4, 6, 6, 1]);
    const y = tf.tensor2d([1, 0, 0, 1, 1, 0, 0, 1], [4, 2]);
    const gradientAt = (point: ReturnType<typeof tf.tensor>[]) =>
      tf.grads((...w: ReturnType<typeof tf.tensor>[]) =>
        ctx.loss(tf.div(ctx.forward(x, Object.fromEntries(kernels.map((n, i) => [n, w[i]]))), 200), y),
      )(point);
    const theta = kernels.map((n) => tf.tensor(convWeights[n], paramShapes[n]));
    const g = gradientAt(theta);
    const finiteDifference = (epsilon: number) => {
      const ahead = gradientAt(theta.map((t, i) => tf.add(t, tf.mul(g[i], epsilon))));
      const behind = gradientAt(theta.map((t, i) => tf.sub(t, tf.mul(g[i], epsilon))));
      return kernels.map((_, i) => tf.mul(tf.div(tf.sub(ahead[i], behind[i]), 2 * epsilon), theta[i]).dataSync());
    };
    const [coarse, fine] = [0.2, 0.1].map(finiteDifference);
    kernels.forEach((n, i) => {
      expect(relativeError(fine[i], coarse[i])).toBeLessThan(1e-3);
      expect(relativeError(result.scores[n], fine[i])).toBeLessThan(1e-3);
    });
    network.dispose();
  });

  it('uses the task loss without temperature on regression tasks, agreeing with a finite difference', async () => {
    const regression: Dataset = {
      n: 4,
      inputShape: [2],
      x: data.x,
      y: Float32Array.from([0.5, -0.2, 1, 0.3, -0.4, 0.8, 0.1, 0.1]),
      outputSize: 2,
    };
    const { ctx, network } = await tinyPruneContext({ weights, train: regression, sparsity: 0.5, manifest });
    const result = (await prune(ctx)) as { scores: WeightMap };
    const tf = ctx.tf;
    const x = tf.tensor(regression.x, [4, 2]);
    const y = tf.tensor2d(regression.y as Float32Array, [4, 2]);
    const gradientAt = (point: ReturnType<typeof tf.tensor>[]) =>
      tf.grads((...w: ReturnType<typeof tf.tensor>[]) => ctx.loss(ctx.forward(x, Object.fromEntries(names.map((n, i) => [n, w[i]]))), y))(
        point,
      );
    const theta = names.map((n) => tf.tensor(weights[n], shapes[n as keyof typeof shapes]));
    const g = gradientAt(theta);
    const epsilon = 1e-2;
    const ahead = gradientAt(theta.map((t, i) => tf.add(t, tf.mul(g[i], epsilon))));
    const behind = gradientAt(theta.map((t, i) => tf.sub(t, tf.mul(g[i], epsilon))));
    names.forEach((n, i) => {
      const expected = tf.mul(tf.div(tf.sub(ahead[i], behind[i]), 2 * epsilon), theta[i]).dataSync();
      expect(relativeError(result.scores[n], expected)).toBeLessThan(1e-3);
    });
    expect(countKept(masksFromScores(result.scores, names, shapes, 0.5, manifest.scope, 0), names)).toBe(6);
    network.dispose();
  });
});
