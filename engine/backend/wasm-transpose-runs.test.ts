import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend } from '@tensorflow/tfjs-core';
import { selectBackend } from './backend-selection.ts';
import { transposeRuns } from './wasm-transpose-runs.ts';
import { Rng } from '../rng.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('transposeRuns on wasm', () => {
  const cases: Array<{ shape: number[]; split: number; dtype: 'float32' | 'int32' }> = [
    { shape: [60, 24, 24, 20], split: 1, dtype: 'float32' },
    { shape: [12, 12, 60, 20], split: 2, dtype: 'float32' },
    { shape: [5, 7, 3, 1], split: 1, dtype: 'float32' },
    { shape: [3, 4, 5, 6, 7], split: 2, dtype: 'float32' },
    { shape: [2, 9, 5], split: 1, dtype: 'int32' },
  ];
  for (const c of cases) {
    it(`equals tf.transpose bit for bit: [${c.shape}] split at ${c.split} (${c.dtype})`, () => {
      tf.setBackend('wasm');
      const backend = tf.findBackend('wasm') as KernelBackend;
      const n = c.shape.reduce((a, b) => a * b, 1);
      const values = c.dtype === 'int32' ? Int32Array.from({ length: n }, (_, i) => i * 7 - 50) : new Rng(n).normalArray(n);
      tf.tidy(() => {
        const x = tf.tensor(values, c.shape, c.dtype);
        const last = c.shape.length - 1;
        const perm = [...c.shape.keys()].slice(c.split, last).concat([...c.shape.keys()].slice(0, c.split), [last]);
        const expected = tf.transpose(x, perm);
        const out = transposeRuns(x, c.split, backend);
        expect(out.shape).toEqual(expected.shape);
        const ours = backend.readSync(out.dataId) as Float32Array | Int32Array;
        expect(Array.from(new Uint32Array(ours.buffer, ours.byteOffset, ours.length))).toEqual(
          Array.from(new Uint32Array((expected.dataSync() as Float32Array).buffer)),
        );
        backend.disposeData(out.dataId);
      });
    });
  }
});
