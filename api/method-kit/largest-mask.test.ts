import { describe, expect, it } from 'vitest';
import { countKept } from '../../harness/prune/mask-selection.ts';
import { largestMask } from './largest-mask.ts';

/** Independent reference: sort all indices by value (descending), ties by index, keep the first `keep`. */
function sortedReference(values: Float32Array, keep: number): number[] {
  const order = [...values.keys()].sort((a, b) => values[b] - values[a] || a - b);
  const mask = new Array<number>(values.length).fill(0);
  for (const i of order.slice(0, keep)) mask[i] = 1;
  return mask;
}

describe('largestMask', () => {
  it('keeps the largest values, ties to the lowest index, as a full sort would', () => {
    const cases = [
      Float32Array.from({ length: 50 }, (_, i) => (i * 17) % 7),
      Float32Array.from({ length: 30 }, (_, i) => -((i * 7) % 5)),
      Float32Array.from({ length: 40 }, () => 3),
    ];
    for (const values of cases) {
      for (const keep of [0, 1, 4, 7, 8, 23, values.length]) {
        expect([...largestMask(values, keep)]).toEqual(sortedReference(values, keep));
      }
    }
  });

  it('keeps only eligible positions and exactly the count asked for', () => {
    const values = Float32Array.from({ length: 50 }, (_, i) => (i * 17) % 7);
    const eligible = Float32Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? 0 : 1));
    const masked = largestMask(values, 10, eligible);
    expect([...masked].filter((v, i) => v === 1 && eligible[i] === 0)).toEqual([]);
    expect(countKept({ w: masked }, ['w'])).toBe(10);
    // By hand: the values repeat 0 3 6 2 5 1 4; the 6s stand at i ≡ 2 (mod 7) and the 5s at i ≡ 4,
    // and the multiples of 3 among them (9, 30; 18, 39) are ineligible: five 6s and five 5s remain.
    expect([...masked].flatMap((v, i) => (v === 1 ? [i] : []))).toEqual([2, 4, 11, 16, 23, 25, 32, 37, 44, 46]);
  });

  it('refuses counts it cannot meet and NaN values', () => {
    expect(() => largestMask(new Float32Array(3), 4)).toThrow(/cannot keep 4 of 3/);
    expect(() => largestMask(Float32Array.of(1, 0, 1), 2, Float32Array.of(1, 0, 0))).toThrow(/cannot keep 2 of 1/);
    expect(() => largestMask(Float32Array.of(1, NaN), 1)).toThrow(/index 1 is NaN/);
  });
});
