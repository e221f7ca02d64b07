import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from './backend-selection.ts';
import { originalWasmKernelFunc } from './wasm-kernel-calls.ts';
import { Rng } from '../rng.ts';
import { bits } from './testing/kernel-runs.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

/** Runs a Sum kernel function directly on the wasm backend; returns the output's values and shape. */
function sumWith(
  kernel: KernelFunc,
  values: Float32Array,
  shape: number[],
  axis: number[],
  keepDims: boolean,
): { values: Float32Array; shape: number[] } {
  tf.setBackend('wasm');
  const backend = tf.findBackend('wasm') as KernelBackend;
  return tf.tidy(() => {
    const x = tf.tensor(values, shape, 'float32');
    const out = kernel({ inputs: { x }, attrs: { axis, keepDims } as unknown as NamedAttrMap, backend }) as TensorInfo;
    const result = { values: (backend.readSync(out.dataId) as Float32Array).slice(), shape: [...out.shape] };
    backend.disposeData(out.dataId);
    return result;
  });
}

describe('wasm Sum over leading axes', () => {
  const rng = new Rng(71);
  const cases: Array<{ shape: number[]; axis: number[]; keepDims: boolean }> = [
    { shape: [60, 24, 24, 20], axis: [0, 1, 2], keepDims: false },
    { shape: [60, 8, 8, 50], axis: [0, 1, 2], keepDims: false },
    { shape: [60, 500], axis: [0], keepDims: false },
    { shape: [7, 3], axis: [-2], keepDims: true },
    { shape: [5, 4, 3], axis: [1, 0], keepDims: true },
    { shape: [9, 11], axis: [0, 1], keepDims: false },
    { shape: [13], axis: [0], keepDims: false },
    { shape: [4, 5, 6], axis: [1], keepDims: false },
    { shape: [4, 5, 6], axis: [2], keepDims: true },
  ];
  for (let i = 0; i < 8; i++) {
    const rank = 2 + rng.int(3);
    const shape = Array.from({ length: rank }, () => 1 + rng.int(9));
    cases.push({ shape, axis: Array.from({ length: 1 + rng.int(rank - 1) }, (_, a) => a), keepDims: rng.int(2) === 0 });
  }
  cases.forEach((c, i) => {
    it(`gives the same bits as tfjs's own wasm Sum: [${c.shape}] over [${c.axis}]${c.keepDims ? ', keepDims' : ''}`, () => {
      const values = new Rng(700 + i).normalArray(c.shape.reduce((a, b) => a * b, 1)).map((v) => v * 1e3);
      // Signed zeros, a NaN and cancellation: the order of the additions shows in the bits.
      values[0] = -0;
      if (values.length > 5) values[values.length - 1] = NaN;
      if (values.length > 3) values[2] = -values[1];
      const ours = sumWith(tf.getKernel('Sum', 'wasm')!.kernelFunc, values, c.shape, c.axis, c.keepDims);
      const theirs = sumWith(originalWasmKernelFunc('Sum'), values, c.shape, c.axis, c.keepDims);
      expect(ours.shape).toEqual(theirs.shape);
      expect(bits(ours.values)).toEqual(bits(theirs.values));
    });
  });

  it('is in use: the registered Sum is the replacement', () => {
    expect(tf.getKernel('Sum', 'wasm')!.kernelFunc).not.toBe(originalWasmKernelFunc('Sum'));
  });

  it('matches the cpu backend within float tolerance', () => {
    const values = new Rng(9).normalArray(60 * 8 * 8 * 50);
    const sum = (backend: 'cpu' | 'wasm') => {
      tf.setBackend(backend);
      return tf.tidy(() => tf.sum(tf.tensor4d(values, [60, 8, 8, 50]), [0, 1, 2]).dataSync() as Float32Array);
    };
    const wasm = sum('wasm');
    const cpu = sum('cpu');
    for (let k = 0; k < cpu.length; k++) expect(Math.abs(wasm[k] - cpu[k])).toBeLessThan(1e-3);
  });
});
