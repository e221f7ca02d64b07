/** Running kernels on the wasm and cpu backends in tests, and comparing their results. */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

export type Arrays = Record<string, { values: Float32Array; shape: number[] }>;

export function wasmBackend(): KernelBackend {
  tf.setBackend('wasm');
  return tf.findBackend('wasm') as KernelBackend;
}

/** Runs f on wasm tensors of the given arrays; returns the values of the TensorInfo f makes (and frees it). */
export function onWasm(arrays: Arrays, f: (inputs: Record<string, TensorInfo>, backend: KernelBackend) => TensorInfo): Float32Array {
  const backend = wasmBackend();
  return tf.tidy(() => {
    const inputs = Object.fromEntries(Object.entries(arrays).map(([name, a]) => [name, tf.tensor(a.values, a.shape, 'float32')]));
    const out = f(inputs, backend);
    const result = (backend.readSync(out.dataId) as Float32Array).slice();
    backend.disposeData(out.dataId);
    return result;
  });
}

/** The cpu backend's result of a kernel on the given arrays (the backend is wasm again afterwards). */
export function onCpu(kernel: string, arrays: Arrays, attrs: object): Float32Array {
  tf.setBackend('cpu');
  try {
    return tf.tidy(() => {
      const inputs = Object.fromEntries(Object.entries(arrays).map(([name, a]) => [name, tf.tensor(a.values, a.shape, 'float32')]));
      return (tf.engine().runKernel(kernel, inputs, attrs as NamedAttrMap) as tf.Tensor).dataSync() as Float32Array;
    });
  } finally {
    tf.setBackend('wasm');
  }
}

/** Equal within 1e-5 of the largest expected magnitude (summation order may differ from the cpu backend's). */
export function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  let scale = 1e-30;
  for (const e of expected) scale = Math.max(scale, Math.abs(e));
  let worst = 0;
  for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]) / scale);
  expect(worst).toBeLessThan(1e-5);
}

/** Elements of a tensor of this shape. */
export const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** The float32 bit patterns of the values, for bit-identity assertions (−0 and +0 differ). */
export const bits = (values: Float32Array) => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
