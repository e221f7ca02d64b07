import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { MaskedNetwork } from './network.ts';
import { Rng } from './rng.ts';
import { trainNetwork } from './train.ts';
import type { ArchitectureSpec } from './architecture.ts';
import type { Dataset } from './types.ts';
import type { TrainingRecipe } from './recipe.ts';
import { learningRateAt } from './recipe.ts';

const mlp: ArchitectureSpec = {
  id: 'mlp',
  inputShape: [4],
  layers: [
    { kind: 'dense', name: 'fc1', units: 8, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 3, activation: 'linear' },
  ],
};

function blobs(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 4);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 4; j++) x[i * 4 + j] = (j === y[i] ? 2 : 0) + 0.5 * rng.normal();
  }
  return { n, inputShape: [4], x, y, outputSize: 3 };
}

const recipe: TrainingRecipe = {
  optimizer: 'momentum',
  learningRate: 0.05,
  momentum: 0.9,
  batchSize: 16,
  epochs: 3,
  fineTuneEpochs: 1,
  schedule: { kind: 'constant' },
  selectBestEpoch: true,
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('MaskedNetwork', () => {
  it('initialises kernels He-normal from the seed and biases at zero', () => {
    const a = MaskedNetwork.initialise(mlp, new Rng(7));
    const b = MaskedNetwork.initialise(mlp, new Rng(7));
    const c = MaskedNetwork.initialise(mlp, new Rng(8));
    expect(a.getWeights()['fc1/kernel']).toEqual(b.getWeights()['fc1/kernel']);
    expect(a.getWeights()['fc1/kernel']).not.toEqual(c.getWeights()['fc1/kernel']);
    expect([...a.getWeights()['fc1/bias']]).toEqual(new Array(8).fill(0));
    expect(a.prunableNames).toEqual(['fc1/kernel', 'fc2/kernel']);
    for (const n of [a, b, c]) n.dispose();
  });

  it('keeps pruned weights at exactly 0.0 after every optimiser step and at the end', () => {
    const net = MaskedNetwork.initialise(mlp, new Rng(1));
    const rng = new Rng(2);
    const mask1 = Float32Array.from({ length: 32 }, () => (rng.uniform() < 0.5 ? 1 : 0));
    const mask2 = Float32Array.from({ length: 24 }, () => (rng.uniform() < 0.5 ? 1 : 0));
    net.setMasks({ 'fc1/kernel': mask1, 'fc2/kernel': mask2 });
    const data = blobs(96, 3);
    let checkedSteps = 0;
    let nonZeroUnpruned = 0;
    trainNetwork({
      network: net,
      train: data,
      validation: data,
      recipe,
      epochs: 2,
      rng: new Rng(4),
      afterStep: () => {
        const w = net.getWeights();
        for (const [name, mask] of [
          ['fc1/kernel', mask1],
          ['fc2/kernel', mask2],
        ] as const) {
          w[name].forEach((v, i) => {
            if (mask[i] === 0) expect(Object.is(v, 0)).toBe(true);
            else if (v !== 0) nonZeroUnpruned++;
          });
        }
        checkedSteps++;
      },
    });
    expect(checkedSteps).toBe(2 * Math.ceil(96 / 16));
    expect(nonZeroUnpruned).toBeGreaterThan(0);
    const final = net.getWeights();
    mask1.forEach((m, i) => m === 0 && expect(final['fc1/kernel'][i]).toBe(0));
    mask2.forEach((m, i) => m === 0 && expect(final['fc2/kernel'][i]).toBe(0));
    net.dispose();
  });

  it('rejects masks of the wrong size or for a non-prunable parameter', () => {
    const net = MaskedNetwork.initialise(mlp, new Rng(1));
    expect(() => net.setMasks({ 'fc1/kernel': new Float32Array(3) })).toThrow(/has 3 values, expected 32/);
    expect(() => net.setMasks({ 'fc1/bias': new Float32Array(8) })).toThrow(/not a prunable parameter/);
    net.dispose();
  });
});

describe('training loop', () => {
  it('learns a separable problem and is bit-identical for the same seed', () => {
    const data = blobs(150, 5);
    const run = () => {
      const net = MaskedNetwork.initialise(mlp, new Rng(11));
      const result = trainNetwork({ network: net, train: data, validation: data, recipe, epochs: 3, rng: new Rng(12) });
      const w = net.getWeights();
      net.dispose();
      return { result, w };
    };
    const a = run();
    const b = run();
    expect(a.w).toEqual(b.w);
    expect(a.result.epochs.at(-1)!.validationAccuracy).toBeGreaterThan(0.9);
  });

  it('keeps the epoch with the best validation score (validation only), restoring its weights', () => {
    const train = blobs(60, 6);
    const validation = blobs(60, 7);
    const net = MaskedNetwork.initialise(mlp, new Rng(3));
    const initial = net.getWeights();
    // A learning rate this large makes training erratic, so the last epoch is rarely the best one.
    const wild: TrainingRecipe = { ...recipe, optimizer: 'sgd', learningRate: 3, epochs: 6 };
    const stepsPerEpoch = Math.ceil(60 / wild.batchSize);
    const endOfEpoch: Array<Record<string, Float32Array>> = [initial];
    const result = trainNetwork({
      network: net,
      train,
      validation,
      recipe: wild,
      epochs: 6,
      rng: new Rng(1),
      afterStep: (s) => {
        if (s.step % stepsPerEpoch === 0) endOfEpoch.push(net.getWeights());
      },
    });
    const accuracies = result.epochs.map((e) => e.validationAccuracy!);
    const best = Math.max(...accuracies);
    if (result.selectedEpoch > 0) expect(accuracies[result.selectedEpoch - 1]).toBe(best);
    expect(accuracies.indexOf(best) + 1 === result.selectedEpoch || result.selectedEpoch === 0).toBe(true);
    expect(net.getWeights()).toEqual(endOfEpoch[result.selectedEpoch]);
    net.dispose();
  });

  it('follows the learning-rate schedules', () => {
    expect(learningRateAt({ ...recipe, schedule: { kind: 'step', milestones: [2, 4], gamma: 0.1 } }, 3, 6)).toBeCloseTo(0.005);
    expect(learningRateAt({ ...recipe, schedule: { kind: 'cosine' } }, 3, 6)).toBeCloseTo(0.025);
    expect(learningRateAt({ ...recipe, schedule: { kind: 'cosine' } }, 6, 6)).toBeCloseTo(0);
  });
});
