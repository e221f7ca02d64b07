import { describe, expect, it } from 'vitest';
import { checkMasks, keepCountFor, masksFromScores } from './select.ts';

const shapes = { a: [2, 2], b: [3] };
const names = ['a', 'b'];

describe('masksFromScores', () => {
  it('keeps the global top scores to the exact count, ties broken by lowest flat index', () => {
    // flat order: a0 a1 a2 a3 b0 b1 b2 = 0.5 0.1 0.5 0.9 0.5 0.2 0.0; keep 7 − round(3.5) = 3 → 0.9, then the
    // 0.5s at flat 0 and 2; the 0.5 at flat 4 loses the tie
    const masks = masksFromScores({ a: Float32Array.from([0.5, 0.1, 0.5, 0.9]), b: Float32Array.from([0.5, 0.2, 0]) }, names, shapes, 0.5, 'global');
    expect([...masks.a]).toEqual([1, 0, 1, 1]);
    expect([...masks.b]).toEqual([0, 0, 0]);
    // sparsity 0.3 → keep 7 − round(2.1) = 5: 0.9, the three 0.5s, then 0.2
    const more = masksFromScores({ a: Float32Array.from([0.5, 0.1, 0.5, 0.9]), b: Float32Array.from([0.5, 0.2, 0]) }, names, shapes, 0.3, 'global');
    expect([...more.a, ...more.b]).toEqual([1, 0, 1, 1, 1, 1, 0]);
  });

  it('keeps round((1 − s)·n) per layer in layerwise scope', () => {
    const masks = masksFromScores({ a: Float32Array.from([4, 3, 2, 1]), b: Float32Array.from([1, 3, 2]) }, names, shapes, 0.5, 'layerwise');
    expect([...masks.a]).toEqual([1, 1, 0, 0]);
    expect([...masks.b]).toEqual([0, 1, 0]); // 3 − round(1.5)=3−2=1 kept
  });

  it('rejects NaN, wrong sizes, missing and unknown names', () => {
    expect(() => masksFromScores({ a: Float32Array.from([1, NaN, 0, 0]), b: new Float32Array(3) }, names, shapes, 0.5, 'global')).toThrow(/NaN at index 1/);
    expect(() => masksFromScores({ a: new Float32Array(3), b: new Float32Array(3) }, names, shapes, 0.5, 'global')).toThrow(/'a' have 3 values, the parameter has 4/);
    expect(() => masksFromScores({ a: new Float32Array(4) }, names, shapes, 0.5, 'global')).toThrow(/missing parameter 'b'/);
    expect(() => masksFromScores({ a: new Float32Array(4), b: new Float32Array(3), c: new Float32Array(1) }, names, shapes, 0.5, 'global')).toThrow(/'c'/);
  });

  it('agrees with a full sort on many ties across layers, both scopes', () => {
    const big = { a: Float32Array.from({ length: 600 }, (_, i) => (i * 37) % 11), b: Float32Array.from({ length: 400 }, (_, i) => (i * 13) % 7) };
    const bigShapes = { a: [600], b: [400] };
    for (const sparsity of [0, 0.37, 0.9, 0.999, 1]) {
      const flat = [...big.a, ...big.b];
      const order = [...flat.keys()].sort((x, y) => flat[y] - flat[x] || x - y).slice(0, keepCountFor(flat.length, sparsity));
      const expected = new Array<number>(flat.length).fill(0);
      for (const i of order) expected[i] = 1;
      const global = masksFromScores(big, names.map((n) => n), bigShapes, sparsity, 'global');
      expect([...global.a, ...global.b]).toEqual(expected);
      const layerwise = masksFromScores(big, names, bigShapes, sparsity, 'layerwise');
      for (const n of names) expect([...layerwise[n]].reduce((x, y) => x + y, 0)).toBe(keepCountFor(big[n as 'a' | 'b'].length, sparsity));
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
    expect(() => checkMasks({ a: Float32Array.from([1, 0.5, 1, 0]), b: Float32Array.from([0, 0, 1]) }, names, shapes)).toThrow(/not binary: value 0.5 at index 1/);
    expect(() => checkMasks({ a: Float32Array.from([1, 0, 1]), b: Float32Array.from([0, 0, 1]) }, names, shapes)).toThrow(/mask for 'a' has 3 values/);
  });
});
