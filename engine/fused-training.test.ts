import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from './backend/backend-selection.ts';
import { sameBits, tinyMlp } from '../harness/testing/fixtures.ts';
import type { ArchitectureSpec } from './architecture.ts';
import { MaskedNetwork } from './network.ts';
import type { TrainingRecipe } from './recipe.ts';
import { Rng } from './rng.ts';
import { trainNetwork, type StepInfo } from './train.ts';
import type { Dataset } from './types.ts';
import { taskLoss } from './loss.ts';
import { applyMask } from './fused-mask.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

// Dense layers after convolutions: their input needs a gradient.
const convThenDense: ArchitectureSpec = {
  id: 'tiny-conv-dense',
  inputShape: [6, 6, 1],
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
    { kind: 'maxPool', size: 2 },
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc1', units: 8, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 3, activation: 'linear' },
  ],
};

const recipe: TrainingRecipe = {
  optimizer: 'adam',
  learningRate: 0.01,
  batchSize: 8,
  epochs: 2,
  fineTuneEpochs: 0,
  schedule: { kind: 'constant' },
  selectBestEpoch: false,
};

function dataFor(spec: ArchitectureSpec): Dataset {
  const rng = new Rng(11);
  const size = spec.inputShape.reduce((a, b) => a * b, 1);
  return {
    n: 37,
    inputShape: spec.inputShape,
    x: rng.normalArray(37 * size),
    y: Int32Array.from({ length: 37 }, () => rng.int(3)),
    outputSize: 3,
  };
}

/** Trains with or without fused dense layers; returns the weights and every step's gradients. */
function train(backend: 'wasm' | 'cpu', spec: ArchitectureSpec, fused: boolean, masked: boolean) {
  tf.setBackend(backend);
  const network = MaskedNetwork.initialise(spec, new Rng(3));
  if (masked) {
    network.setMasks(
      Object.fromEntries(
        network.prunableNames.map((name) => {
          const rng = new Rng(4).fork(name);
          return [name, Float32Array.from({ length: network.variable(name).size }, () => (rng.uniform() < 0.6 ? 1 : 0))];
        }),
      ),
    );
  }
  const gradients: Float32Array[] = [];
  const before = tf.memory().numTensors;
  trainNetwork({
    network,
    train: dataFor(spec),
    recipe,
    epochs: 2,
    rng: new Rng(5),
    engine: fused ? 'fused-ops' : 'plain',
    afterStep: (info: StepInfo) => {
      for (const name of Object.keys(info.gradients).sort()) gradients.push(info.gradients[name].dataSync() as Float32Array);
    },
  });
  const weights = network.getWeights();
  const leaked = tf.memory().numTensors - before;
  network.dispose();
  return { weights, gradients, leaked };
}

describe('fused dense layers and loss', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const [label, spec] of [
      ['MLP', tinyMlp],
      ['conv then dense', convThenDense],
    ] as const) {
      for (const masked of [true, false]) {
        it(`train bit-identically to the plain ops: ${label}, ${masked ? 'masked' : 'dense'}, ${backend}`, () => {
          const plain = train(backend, spec, false, masked);
          const fused = train(backend, spec, true, masked);
          expect(fused.gradients.length).toBe(plain.gradients.length);
          fused.gradients.forEach((g, i) => expect(sameBits(g, plain.gradients[i]), `gradient ${i}`).toBe(true));
          for (const name of Object.keys(plain.weights)) expect(sameBits(fused.weights[name], plain.weights[name]), name).toBe(true);
          expect(fused.leaked).toBe(plain.leaked);
        });
      }
    }
  }

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`gives the cross-entropy and its gradient of the plain ops, bit for bit, also under an outer scale (${backend})`, () => {
      tf.setBackend(backend);
      const rng = new Rng(21);
      const logits = tf.tensor2d(
        rng.normalArray(5 * 4).map((v) => v * 30),
        [5, 4],
      );
      const targets = tf.oneHot(tf.tensor1d([0, 3, 1, 1, 2], 'int32'), 4).toFloat() as tf.Tensor2D;
      for (const scale of [1, 0.37]) {
        const lossOf = (fused: boolean) => (x: tf.Tensor) => tf.mul(taskLoss('classification', x, targets, { fused }), scale) as tf.Scalar;
        const plain = tf.valueAndGrad(lossOf(false))(logits);
        const fused = tf.valueAndGrad(lossOf(true))(logits);
        expect(sameBits(fused.value.dataSync() as Float32Array, plain.value.dataSync() as Float32Array)).toBe(true);
        expect(sameBits(fused.grad.dataSync() as Float32Array, plain.grad.dataSync() as Float32Array)).toBe(true);
        tf.dispose([plain.value, plain.grad, fused.value, fused.grad]);
      }
      // By hand: logits [0, ln 3] with target class 1 → softmax [1/4, 3/4], loss −ln(3/4) = 0.2877.
      const handLoss = taskLoss('classification', tf.tensor2d([[0, Math.log(3)]]), tf.tensor2d([[0, 1]]), { fused: true });
      expect(handLoss.dataSync()[0]).toBeCloseTo(-Math.log(0.75), 6);
      tf.dispose([logits, targets, handLoss]);
    });
  }

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`re-applies a mask as w ⊙ m + 0 does, turning −0 into +0 (${backend})`, () => {
      tf.setBackend(backend);
      const w = tf.tensor1d([-1.5, 2, -0, 3.25, -7, 0]);
      const m = tf.tensor1d([0, 1, 1, 0, 1, 0]);
      const fused = applyMask(w, m).dataSync() as Float32Array;
      const plain = tf.add(tf.mul(w, m), 0).dataSync() as Float32Array;
      expect(sameBits(fused, plain)).toBe(true);
      expect([...fused].map((v) => Object.is(v, -0))).toEqual([false, false, false, false, false, false]);
      expect([...fused]).toEqual([0, 2, 0, 0, -7, 0]);
      tf.dispose([w, m]);
    });
  }

  it('computes the forward value of relu(x·(W⊙M) + b) (checked by hand)', () => {
    tf.setBackend('cpu');
    const network = MaskedNetwork.fromWeights(
      { id: 'one', inputShape: [2], layers: [{ kind: 'dense', name: 'fc', units: 2, activation: 'relu' }] },
      { 'fc/kernel': Float32Array.of(1, -2, 3, 4), 'fc/bias': Float32Array.of(0.5, -10) },
    );
    network.setMasks({ 'fc/kernel': Float32Array.of(1, 0, 1, 1) });
    // x = [1, 2]: W⊙M = [[1, 0], [3, 4]] → x·(W⊙M) = [7, 8]; + b = [7.5, −2]; relu → [7.5, 0]
    const y = tf.tidy(() => network.forward(tf.tensor2d([[1, 2]]), undefined, { fusedDense: true }).dataSync());
    expect([...y]).toEqual([7.5, 0]);
    network.dispose();
  });
});
