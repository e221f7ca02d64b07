import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import type { MethodManifest, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyMlpKernelGradients, tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { kaimingUniformScores, prune, trainScores } from './index.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

// No preactivation of the four tiny points is near 0 under the starting mask.
const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};

// At s = 0.5 each layer keeps 3: fc1 |s| 0.5 (0), 0.4 (2), 0.31 (1) over 0.305 (4), 0.3 (3);
// fc2 0.6 (0), 0.45 (4), 0.3 (2) over 0.28 (1), 0.25 (5), 0.2 (3).
const initialScores: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, 0.31, -0.4, 0.3, 0.305, 0.1]),
  'fc2/kernel': Float32Array.from([0.6, 0.28, 0.3, -0.2, 0.45, 0.25]),
};

const kernelGradients = (k1: number[], k2: number[]) => tinyMlpKernelGradients(weights, k1, k2);

const asLists = (masks: Record<string, Float32Array | number[]>) => names.map((n) => [...masks[n]]);

describe('edge-popup', () => {
  it('with no optimisation step returns the top-k |scores| of the initialisation', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    const scores = trainScores(ctx, initialScores, { recipe: {}, steps: 0, weightDecay: 0 });
    network.dispose();
    expect(asLists(scores)).toEqual(asLists(initialScores));
    const magnitudes = Object.fromEntries(names.map((n) => [n, scores[n].map(Math.abs)]));
    expect(asLists(masksFromScores(magnitudes, names, shapes, 0.5, 'layerwise', 0))).toEqual([
      [1, 1, 1, 0, 0, 0],
      [1, 0, 1, 0, 1, 0],
    ]);
  });

  it('takes one SGD step on the scores with the straight-through gradient sign(s)·(∂L/∂W′ ⊙ W)', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    // One full-batch step (batch 4 = the four tiny points) at learning rate 1.
    const scores = trainScores(ctx, initialScores, {
      recipe: { optimizer: 'sgd', learningRate: 1, batchSize: 4, schedule: { kind: 'constant' } },
      steps: 1,
      weightDecay: 0,
    });
    network.dispose();

    const mask0 = { 'fc1/kernel': [1, 1, 1, 0, 0, 0], 'fc2/kernel': [1, 0, 1, 0, 1, 0] };
    const effective = (n: string) => [...weights[n]].map((w, i) => w * mask0[n as keyof typeof mask0][i]);
    const gradient = kernelGradients(effective('fc1/kernel'), effective('fc2/kernel'));
    const expected: Record<string, number[]> = {};
    for (const n of names) expected[n] = [...initialScores[n]].map((s, i) => s - Math.sign(s) * gradient[n][i] * weights[n][i]);
    for (const n of names) scores[n].forEach((s, i) => expect(s).toBeCloseTo(expected[n][i], 6));
    // The pruned fc1[4] and fc2[1] pop up over fc1[1] and fc2[2]: |s| 0.331 > 0.327 and 0.318 > 0.306.
    const magnitudes = Object.fromEntries(names.map((n) => [n, scores[n].map(Math.abs)]));
    expect(asLists(masksFromScores(magnitudes, names, shapes, 0.5, 'layerwise', 0))).toEqual([
      [1, 0, 1, 0, 1, 0],
      [1, 1, 0, 0, 1, 0],
    ]);
  });

  it('never trains the weights and keeps n − round(s·n) of every layer', async () => {
    for (const sparsity of [0.3, 0.5, 0.8]) {
      const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, hyperparameters: { epochs: 3 } });
      const spy: PruneContext = {
        ...ctx,
        train: () => {
          throw new Error('edge-popup must not train the weights');
        },
      };
      const result = (await prune(spy)) as PruneResult;
      const after = network.getWeights();
      network.dispose();
      if (!('scores' in result)) throw new Error('edge-popup must return scores');
      for (const name of Object.keys(weights)) expect([...after[name]]).toEqual([...weights[name]]);
      // Kaiming-uniform scores start within 1/√fan_in (fan-in 2 and 3) and move by small steps.
      expect(Math.max(...result.scores['fc1/kernel'])).toBeLessThan(1);
      const masks = masksFromScores(result.scores, names, shapes, sparsity, manifest.scope, 0);
      for (const name of names) expect(countKept(masks, [name])).toBe(keepCountFor(6, sparsity));
    }
  });

  it('draws the initial scores from the seeded generator, within ±1/√fan_in', async () => {
    const draw = async (seed: number) => {
      const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest, seed });
      const scores = trainScores(ctx, kaimingUniformScores(ctx), { recipe: {}, steps: 0, weightDecay: 0 });
      network.dispose();
      return scores;
    };
    const first = await draw(1);
    expect(asLists(await draw(1))).toEqual(asLists(first));
    expect(asLists(await draw(2))).not.toEqual(asLists(first));
    expect(first['fc1/kernel'].every((s) => Math.abs(s) <= 1 / Math.sqrt(2))).toBe(true);
    expect(first['fc2/kernel'].every((s) => Math.abs(s) <= 1 / Math.sqrt(3))).toBe(true);
  });

  it('trains scores of conv kernels and keeps n − round(s·n) of every layer', async () => {
    const spec: ArchitectureSpec = {
      id: 'edge-popup-test-cnn',
      inputShape: [6, 6, 2],
      layers: [
        { kind: 'conv2d', name: 'conv1', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
        { kind: 'maxPool', size: 2 },
        { kind: 'flatten' },
        { kind: 'dense', name: 'fc1', units: 3, activation: 'linear' },
      ],
    };
    const convShapes: Record<string, number[]> = {
      'conv1/kernel': [3, 3, 2, 3],
      'conv1/bias': [3],
      'fc1/kernel': [27, 3],
      'fc1/bias': [3],
    };
    const convWeights: WeightMap = Object.fromEntries(
      Object.entries(convShapes).map(([n, s]) => [
        n,
        Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(3.1 * i + n.length)),
      ]),
    );
    const train = {
      n: 4,
      inputShape: [6, 6, 2],
      x: Float32Array.from({ length: 288 }, (_, i) => Math.cos(0.7 * i)),
      y: Int32Array.from([0, 1, 2, 1]),
      outputSize: 3,
    };
    const { ctx, network } = await tinyPruneContext({
      spec,
      weights: convWeights,
      train,
      sparsity: 0.7,
      manifest,
      hyperparameters: { epochs: 2 },
    });
    const result = (await prune(ctx)) as PruneResult;
    const after = network.getWeights();
    network.dispose();
    if (!('scores' in result)) throw new Error('edge-popup must return scores');
    const masks = masksFromScores(result.scores, ['conv1/kernel', 'fc1/kernel'], convShapes, 0.7, manifest.scope, 0);
    expect(countKept(masks, ['conv1/kernel'])).toBe(keepCountFor(54, 0.7));
    expect(countKept(masks, ['fc1/kernel'])).toBe(keepCountFor(81, 0.7));
    for (const name of Object.keys(convWeights)) expect([...after[name]]).toEqual([...convWeights[name]]);
    // The scores moved away from their seeded initial draw.
    const fresh = await tinyPruneContext({ spec, weights: convWeights, train, sparsity: 0.7, manifest });
    const initial = kaimingUniformScores(fresh.ctx);
    fresh.network.dispose();
    expect([...result.scores['conv1/kernel']]).not.toEqual([...initial['conv1/kernel'].map(Math.abs)]);
    expect(Math.max(...result.scores['conv1/kernel'].map((s, i) => Math.abs(s - Math.abs(initial['conv1/kernel'][i]))))).toBeLessThan(0.5);
  });
});
