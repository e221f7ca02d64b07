import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../gradients.ts';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from './select.ts';
import { Rng } from '../rng.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

function onBackend<T>(name: string, f: () => T): T {
  const previous = tf.getBackend();
  tf.setBackend(name);
  try {
    return f();
  } finally {
    tf.setBackend(previous);
  }
}

function filterGrad(xShape: number[], filterShape: [number, number, number, number], stride: number, pad: 'same' | 'valid', seed: number): Float32Array {
  const rng = new Rng(seed);
  const xValues = rng.normalArray(xShape.reduce((a, b) => a * b, 1));
  const wValues = rng.normalArray(filterShape.reduce((a, b) => a * b, 1));
  return tf.tidy(() => {
    const x = tf.tensor4d(xValues, xShape as [number, number, number, number]);
    const w = tf.tensor4d(wValues, filterShape);
    const grad = tf.grad((f: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, f as tf.Tensor4D, stride, pad))))(w);
    return grad.dataSync() as Float32Array;
  });
}

describe('wasm Conv2DBackpropFilter', () => {
  const cases: Array<[number[], [number, number, number, number], number, 'same' | 'valid']> = [
    [[2, 8, 8, 3], [3, 3, 3, 4], 1, 'same'],
    [[2, 8, 8, 3], [3, 3, 3, 4], 1, 'valid'],
    [[3, 9, 7, 2], [5, 5, 2, 3], 1, 'valid'],
    [[2, 9, 9, 2], [3, 3, 2, 5], 2, 'same'],
    [[2, 10, 9, 1], [4, 2, 1, 2], 2, 'valid'],
    [[1, 12, 12, 2], [5, 5, 2, 3], 3, 'same'],
  ];
  cases.forEach(([xShape, filterShape, stride, pad], i) => {
    it(`matches the cpu kernel: x [${xShape}], filter [${filterShape}], stride ${stride}, ${pad}`, () => {
      const expected = onBackend('cpu', () => filterGrad(xShape, filterShape, stride, pad, i));
      const actual = onBackend('wasm', () => filterGrad(xShape, filterShape, stride, pad, i));
      expect(actual.length).toBe(expected.length);
      const scale = Math.max(...expected.map(Math.abs));
      for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k] - expected[k])).toBeLessThan(1e-4 * scale);
    });
  });

  it('does not leak tensors', () => {
    onBackend('wasm', () => {
      filterGrad([1, 6, 6, 1], [3, 3, 1, 2], 1, 'same', 0);
      const before = tf.memory().numTensors;
      filterGrad([1, 6, 6, 1], [3, 3, 1, 2], 1, 'same', 0);
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});

function inputGrad(xShape: number[], filterShape: [number, number, number, number], stride: number, pad: 'same' | 'valid', seed: number): Float32Array {
  const rng = new Rng(seed + 100);
  const xValues = rng.normalArray(xShape.reduce((a, b) => a * b, 1));
  const wValues = rng.normalArray(filterShape.reduce((a, b) => a * b, 1));
  return tf.tidy(() => {
    const x = tf.tensor4d(xValues, xShape as [number, number, number, number]);
    const w = tf.tensor4d(wValues, filterShape);
    const grad = tf.grad((input: tf.Tensor) => tf.sum(tf.square(tf.conv2d(input as tf.Tensor4D, w, stride, pad))))(x);
    return grad.dataSync() as Float32Array;
  });
}

describe('wasm Conv2DBackpropInput', () => {
  const cases: Array<[number[], [number, number, number, number], number, 'same' | 'valid']> = [
    [[2, 8, 8, 3], [3, 3, 3, 4], 1, 'same'],
    [[2, 12, 12, 20], [5, 5, 20, 50], 1, 'valid'],
    [[3, 9, 7, 2], [4, 2, 2, 3], 1, 'same'],
    [[2, 9, 9, 2], [3, 3, 2, 5], 2, 'same'],
  ];
  cases.forEach(([xShape, filterShape, stride, pad], i) => {
    it(`matches the cpu kernel: x [${xShape}], filter [${filterShape}], stride ${stride}, ${pad}`, () => {
      const expected = onBackend('cpu', () => inputGrad(xShape, filterShape, stride, pad, i));
      const actual = onBackend('wasm', () => inputGrad(xShape, filterShape, stride, pad, i));
      const scale = Math.max(...expected.map(Math.abs));
      for (let k = 0; k < expected.length; k++) expect(Math.abs(actual[k] - expected[k])).toBeLessThan(1e-4 * scale);
    });
  });
});

describe('wasm BatchMatMul with transposes', () => {
  it('equals the untransposed product for every transpose combination', () => {
    const rng = new Rng(3);
    const a = rng.normalArray(2 * 5 * 7);
    const b = rng.normalArray(2 * 7 * 4);
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      const run = (name: string) => onBackend(name, () => tf.tidy(() => {
        const A = tf.tensor3d(a, [2, 5, 7]);
        const B = tf.tensor3d(b, [2, 7, 4]);
        return tf.matMul(ta ? tf.transpose(A, [0, 2, 1]) : A, tb ? tf.transpose(B, [0, 2, 1]) : B, ta, tb).dataSync() as Float32Array;
      }));
      const expected = run('cpu');
      const actual = run('wasm');
      for (let k = 0; k < expected.length; k++) expect(actual[k]).toBeCloseTo(expected[k], 4);
    }
  });
});

describe('selectBackend', () => {
  it('picks wasm here, honours explicit choices and rejects unknown ones', async () => {
    expect((await selectBackend()).name).toBe('wasm');
    await expect(selectBackend('tpu')).rejects.toThrow(/unknown backend 'tpu' \(choose one of: tensorflow, wasm, cpu\)/);
    await expect(selectBackend('tensorflow')).rejects.toThrow(/not available here: install @tensorflow\/tfjs-node/);
    expect((await selectBackend('cpu')).name).toBe('cpu');
    expect((await selectBackend('wasm')).name).toBe('wasm');
  });
});
