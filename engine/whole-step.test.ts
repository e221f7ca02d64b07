import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from './backend/backend-selection.ts';
import { sameBits, tinyMlp } from '../harness/testing/fixtures.ts';
import type { ArchitectureSpec } from './architecture.ts';
import { MaskedNetwork } from './network.ts';
import type { TrainingRecipe } from './recipe.ts';
import { Rng } from './rng.ts';
import { trainingEngineFor, trainNetwork, type TrainNetworkOptions } from './train.ts';
import type { Dataset, TaskKind } from './types.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

// Image-shaped input flattened first, a linear hidden layer, and rows wide enough to be copied in blocks.
const flattenedMlp: ArchitectureSpec = {
  id: 'tiny-flat-mlp',
  inputShape: [6, 6, 1],
  layers: [
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 8, activation: 'linear' },
    { kind: 'dense', name: 'fc2', units: 6, activation: 'relu' },
    { kind: 'dense', name: 'fc3', units: 3, activation: 'linear' },
  ],
};

const conv: ArchitectureSpec = {
  id: 'tiny-conv',
  inputShape: [6, 6, 1],
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' },
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 3, activation: 'linear' },
  ],
};

// A changing learning rate and best-epoch selection, so every per-step constant and the write-back are exercised.
const recipe: TrainingRecipe = {
  optimizer: 'adam',
  learningRate: 0.02,
  batchSize: 8,
  epochs: 3,
  fineTuneEpochs: 0,
  schedule: { kind: 'cosine' },
  selectBestEpoch: true,
};

function dataFor(spec: ArchitectureSpec, kind: TaskKind, n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const size = spec.inputShape.reduce((a, b) => a * b, 1);
  const x = rng.normalArray(n * size);
  if (kind === 'classification')
    return { n, inputShape: spec.inputShape, x, y: Int32Array.from({ length: n }, () => rng.int(3)), outputSize: 3 };
  return { n, inputShape: spec.inputShape, x, y: rng.normalArray(n * 3), outputSize: 3 };
}

function randomMasks(network: MaskedNetwork) {
  return Object.fromEntries(
    network.prunableNames.map((name) => {
      const rng = new Rng(4).fork(name);
      return [name, Float32Array.from({ length: network.variable(name).size }, () => (rng.uniform() < 0.6 ? 1 : 0))];
    }),
  );
}

const backendData = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

function train(
  backend: 'wasm' | 'cpu',
  spec: ArchitectureSpec,
  kind: TaskKind,
  engine: NonNullable<TrainNetworkOptions['engine']>,
  masked: boolean,
) {
  tf.setBackend(backend);
  const network = MaskedNetwork.initialise(spec, new Rng(3));
  if (masked) network.setMasks(randomMasks(network));
  const tensorsBefore = tf.memory().numTensors;
  const dataBefore = backendData();
  const options: TrainNetworkOptions = {
    network,
    train: dataFor(spec, kind, 37, 11),
    validation: dataFor(spec, kind, 12, 12),
    recipe,
    epochs: 3,
    rng: new Rng(5),
    engine,
  };
  const used = trainingEngineFor(options);
  const result = trainNetwork(options);
  const weights = network.getWeights();
  const masks = network.getMasks();
  const leaked = { tensors: tf.memory().numTensors - tensorsBefore, data: backendData() - dataBefore };
  network.dispose();
  return { used, result, weights, masks, leaked };
}

describe('whole-step training', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const [label, spec] of [
      ['MLP', tinyMlp],
      ['flatten, linear hidden layer', flattenedMlp],
    ] as const) {
      for (const kind of ['classification', 'regression'] as const) {
        for (const masked of [true, false]) {
          it(`trains bit-identically to tfjs's own ops: ${label}, ${kind}, ${masked ? 'masked' : 'dense'}, ${backend}`, () => {
            const plain = train(backend, spec, kind, 'plain', masked);
            const whole = train(backend, spec, kind, 'whole-step', masked);
            expect(plain.used).toBe('plain');
            expect(whole.used).toBe('whole-step');
            for (const name of Object.keys(plain.weights)) expect(sameBits(whole.weights[name], plain.weights[name]), name).toBe(true);
            // Losses read during training, validation after each epoch and the epoch kept all agree.
            expect(whole.result).toEqual(plain.result);
            expect(whole.leaked).toEqual({ tensors: 0, data: 0 });
            expect(plain.leaked.tensors).toBe(0);
            if (masked) {
              for (const name of Object.keys(whole.masks)) {
                whole.masks[name].forEach((m, i) => {
                  if (m === 0) expect(Object.is(whole.weights[name][i], 0), `${name}[${i}] is +0`).toBe(true);
                });
              }
            }
          });
        }
      }
    }
  }

  it('stops at maxSteps mid-epoch and keeps the weights of that step (no best-epoch selection)', () => {
    const options = (engine: 'plain' | 'whole-step') => {
      tf.setBackend('wasm');
      const network = MaskedNetwork.initialise(tinyMlp, new Rng(8));
      const result = trainNetwork({
        network,
        train: dataFor(tinyMlp, 'classification', 37, 11),
        recipe: { ...recipe, selectBestEpoch: false },
        epochs: 3,
        rng: new Rng(5),
        maxSteps: 7,
        engine,
      });
      const weights = network.getWeights();
      network.dispose();
      return { result, weights };
    };
    const plain = options('plain');
    const whole = options('whole-step');
    expect(whole.result).toEqual(plain.result);
    expect(whole.result.steps).toBe(7);
    for (const name of Object.keys(plain.weights)) expect(sameBits(whole.weights[name], plain.weights[name]), name).toBe(true);
  });

  it('is used only where it applies; elsewhere training goes through the engine with the fused operations', () => {
    tf.setBackend('wasm');
    const network = MaskedNetwork.initialise(tinyMlp, new Rng(1));
    const convNetwork = MaskedNetwork.initialise(conv, new Rng(1));
    const base: TrainNetworkOptions = { network, train: dataFor(tinyMlp, 'classification', 8, 1), recipe, epochs: 1, rng: new Rng(1) };
    expect(trainingEngineFor(base)).toBe('whole-step');
    expect(trainingEngineFor({ ...base, afterStep: () => {} })).toBe('fused-ops');
    expect(trainingEngineFor({ ...base, trainable: ['fc1/kernel'] })).toBe('fused-ops');
    expect(trainingEngineFor({ ...base, recipe: { ...recipe, weightDecay: 1e-4 } })).toBe('fused-ops');
    expect(trainingEngineFor({ ...base, recipe: { ...recipe, optimizer: 'momentum' } })).toBe('fused-ops');
    expect(trainingEngineFor({ ...base, network: convNetwork })).toBe('fused-ops');
    expect(trainingEngineFor({ ...base, engine: 'plain' })).toBe('plain');
    network.dispose();
    convNetwork.dispose();
  });
});
