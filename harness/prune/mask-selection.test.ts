import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../engine/backend/backend-selection.ts';
import { checkMasks, keepCountFor, masksFromScores } from './mask-selection.ts';

const shapes = { a: [2, 2], b: [3] };
const names = ['a', 'b'];

describe('masksFromScores', () => {
  it('keeps the global top scores to the exact count, ties at the cut drawn by the job seed', () => {
    // flat order: a0 a1 a2 a3 b0 b1 b2 = 0.5 0.1 0.5 0.9 0.5 0.2 0.0; keep 7 − round(3.5) = 3 → 0.9, then two of
    // the three 0.5s at flat 0, 2 and 4, drawn by the seed.
    const scores = { a: Float32Array.from([0.5, 0.1, 0.5, 0.9]), b: Float32Array.from([0.5, 0.2, 0]) };
    const drawn = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const masks = masksFromScores(scores, names, shapes, 0.5, 'global', seed);
      const flat = [...masks.a, ...masks.b];
      expect(flat[3]).toBe(1);
      expect([flat[1], flat[5], flat[6]]).toEqual([0, 0, 0]);
      expect(flat[0] + flat[2] + flat[4]).toBe(2);
      expect([...masksFromScores(scores, names, shapes, 0.5, 'global', seed).a]).toEqual([...masks.a]);
      drawn.add(flat.join(''));
    }
    // Every pair of the three tied weights is drawn for some seed: no index is favoured.
    expect([...drawn].sort()).toEqual(['0011100', '1001100', '1011000']);
    // sparsity 0.3 → keep 7 − round(2.1) = 5: 0.9, the three 0.5s, then 0.2: no tie at the cut, nothing drawn.
    const more = masksFromScores(scores, names, shapes, 0.3, 'global', 0);
    expect([...more.a, ...more.b]).toEqual([1, 0, 1, 1, 1, 1, 0]);
  });

  it('golden: the seeded draw among many exact zeros, global and per layer', () => {
    // Scores with 9 exact zeros (as GraSP gives weights of always-black MNIST pixels). 12 weights, s = 0.5
    // keeps 6: the three non-zero scores 3, 1, 2, and 3 of the 9 zeros. The lowest-index rule would have
    // kept a0, a1, a3; seed 7 draws a3, b2, b3. Layerwise keeps 4 of a (3, 1 and two zeros) and 2 of b (2 and one zero).
    const zeros = { a: Float32Array.from([0, 0, 3, 0, 0, 0, 1, 0]), b: Float32Array.from([0, 2, 0, 0]) };
    const zeroShapes = { a: [8], b: [4] };
    const global = masksFromScores(zeros, names, zeroShapes, 0.5, 'global', 7);
    expect(`${[...global.a].join('')}|${[...global.b].join('')}`).toBe('00110010|0111');
    const layerwise = masksFromScores(zeros, names, zeroShapes, 0.5, 'layerwise', 7);
    expect(`${[...layerwise.a].join('')}|${[...layerwise.b].join('')}`).toBe('00101011|0101');
    expect([...masksFromScores(zeros, names, zeroShapes, 0.5, 'global', 0).a].join('')).toBe('10100110');
  });

  it('draws the same ties from scores computed on the cpu and the wasm backend', async () => {
    const masksOn = async (backend: 'cpu' | 'wasm') => {
      await selectBackend(backend);
      // relu leaves exact zeros: of 512 scores about half are 0, and keeping 384 cuts among them.
      const x = tf.tidy(() => tf.relu(tf.sin(tf.mul(tf.range(0, 512), 0.37))));
      const scores = { a: (await x.data()) as Float32Array };
      x.dispose();
      return { mask: masksFromScores(scores, ['a'], { a: [512] }, 0.25, 'global', 11).a, zeros: scores.a.filter((v) => v === 0).length };
    };
    const cpu = await masksOn('cpu');
    const wasm = await masksOn('wasm');
    expect(cpu.zeros).toBeGreaterThan(512 - keepCountFor(512, 0.25));
    expect([...wasm.mask]).toEqual([...cpu.mask]);
    expect(cpu.mask.reduce((a, b) => a + b, 0)).toBe(keepCountFor(512, 0.25));
  });

  it('keeps n − round(s·n) per layer in layerwise scope', () => {
    const masks = masksFromScores(
      { a: Float32Array.from([4, 3, 2, 1]), b: Float32Array.from([1, 3, 2]) },
      names,
      shapes,
      0.5,
      'layerwise',
      0,
    );
    expect([...masks.a]).toEqual([1, 1, 0, 0]);
    expect([...masks.b]).toEqual([0, 1, 0]); // 3 − round(1.5) = 3 − 2 = 1 kept
  });

  it('counts n − round(s·n) when s·n ends in .5, not round((1 − s)·n), in both scopes', () => {
    // s = 0.25: a layer of 6 has s·n = 1.5 → keeps 6 − 2 = 4 (round((1 − s)·n) = round(4.5) would keep 5);
    // a layer of 10 has s·n = 2.5 → keeps 10 − 3 = 7 (not 8). Globally 16 weights: s·n = 4 → keeps 12.
    const scores = { a: Float32Array.from({ length: 6 }, (_, i) => i + 1), b: Float32Array.from({ length: 10 }, (_, i) => i + 1) };
    const sizes = { a: [6], b: [10] };
    const layerwise = masksFromScores(scores, names, sizes, 0.25, 'layerwise', 0);
    expect([...layerwise.a]).toEqual([0, 0, 1, 1, 1, 1]);
    expect([...layerwise.b]).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 1]);
    expect([keepCountFor(6, 0.25), keepCountFor(10, 0.25), keepCountFor(16, 0.25)]).toEqual([4, 7, 12]);
    // Globally on 10 weights alone: s·n = 2.5 → 7 kept.
    expect([...masksFromScores({ a: scores.b }, ['a'], { a: [10] }, 0.25, 'global', 0).a].reduce((x, y) => x + y, 0)).toBe(7);
  });

  it('rejects NaN, wrong sizes, missing and unknown names', () => {
    expect(() =>
      masksFromScores({ a: Float32Array.from([1, NaN, 0, 0]), b: new Float32Array(3) }, names, shapes, 0.5, 'global', 0),
    ).toThrow(/NaN at index 1/);
    expect(() => masksFromScores({ a: new Float32Array(3), b: new Float32Array(3) }, names, shapes, 0.5, 'global', 0)).toThrow(
      /'a' have 3 values, the parameter has 4/,
    );
    expect(() => masksFromScores({ a: new Float32Array(4) }, names, shapes, 0.5, 'global', 0)).toThrow(/missing parameter 'b'/);
    expect(() =>
      masksFromScores({ a: new Float32Array(4), b: new Float32Array(3), c: new Float32Array(1) }, names, shapes, 0.5, 'global', 0),
    ).toThrow(/'c'/);
  });

  it('keeps everything above the cut, nothing below, and the exact count, on many ties across layers, both scopes', () => {
    const big = {
      a: Float32Array.from({ length: 600 }, (_, i) => (i * 37) % 11),
      b: Float32Array.from({ length: 400 }, (_, i) => (i * 13) % 7),
    };
    const bigShapes = { a: [600], b: [400] };
    const check = (values: number[], mask: number[], keep: number) => {
      expect(mask.reduce((x, y) => x + y, 0)).toBe(keep);
      if (keep === 0 || keep === values.length) return;
      const cut = [...values].sort((x, y) => y - x)[keep - 1];
      values.forEach((v, i) => {
        if (v > cut) expect(mask[i]).toBe(1);
        if (v < cut) expect(mask[i]).toBe(0);
      });
    };
    for (const sparsity of [0, 0.37, 0.9, 0.999, 1]) {
      const flat = [...big.a, ...big.b];
      const global = masksFromScores(big, names, bigShapes, sparsity, 'global', 3);
      check(flat, [...global.a, ...global.b], keepCountFor(flat.length, sparsity));
      const layerwise = masksFromScores(big, names, bigShapes, sparsity, 'layerwise', 3);
      for (const n of names) check([...big[n as 'a' | 'b']], [...layerwise[n]], keepCountFor(big[n as 'a' | 'b'].length, sparsity));
    }
  });

  it('counts kept weights as total − round(s·total)', () => {
    expect(keepCountFor(266200, 0.99)).toBe(2662);
    expect(keepCountFor(7, 0.5)).toBe(3);
  });
});

describe('checkMasks', () => {
  it('accepts binary masks and rejects anything else', () => {
    expect(() => checkMasks({ a: Float32Array.from([1, 0, 1, 0]), b: Float32Array.from([0, 0, 1]) }, names, shapes)).not.toThrow();
    expect(() => checkMasks({ a: Float32Array.from([1, 0.5, 1, 0]), b: Float32Array.from([0, 0, 1]) }, names, shapes)).toThrow(
      /not binary: value 0.5 at index 1/,
    );
    expect(() => checkMasks({ a: Float32Array.from([1, 0, 1]), b: Float32Array.from([0, 0, 1]) }, names, shapes)).toThrow(
      /mask for 'a' has 3 values/,
    );
  });
});
