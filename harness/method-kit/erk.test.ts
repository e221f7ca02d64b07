import { describe, expect, it } from 'vitest';
import { erkKeepCounts as randomErkCounts } from '../../methods/random-erk/index.ts';
import { erkKeepCounts } from './erk.ts';

describe('erkKeepCounts (method kit)', () => {
  it('gives the counts of random-erk, whose copy it is, dense layers capped included', () => {
    const lenet300 = [[784, 300], [300, 100], [100, 10]];
    const lenet5 = [[5, 5, 1, 20], [5, 5, 20, 50], [800, 500], [500, 10]];
    const tiny = [[2, 3], [3, 2]];
    for (const shapes of [lenet300, lenet5, tiny]) {
      const total = shapes.reduce((sum, s) => sum + s.reduce((a, b) => a * b, 1), 0);
      for (const keep of [0, 1, Math.round(total / 50), Math.round(total / 10), Math.round(total / 2), total]) expect(erkKeepCounts(shapes, keep)).toEqual(randomErkCounts(shapes, keep));
    }
  });

  it('hand-computed case: the tiny 2-3-2 MLP keeps 3 + 3 of 6, and 5 + 4 of 9 (equal fractions, the earlier layer first)', () => {
    expect(erkKeepCounts([[2, 3], [3, 2]], 6)).toEqual([3, 3]);
    expect(erkKeepCounts([[2, 3], [3, 2]], 9)).toEqual([5, 4]);
    // LeNet-300-100 at 90% (keep 26,620 of 266,200): ε = 26,620/Σ(Σdims) = 26,620/1,594 gives fc3 (Σdims 110, size
    // 1,000) 1,837 > 1,000 weights, so fc3 is dense; the other 25,620 split by Σdims 1,084 : 400 into 18,714.34 and
    // 6,905.66: floors 18,714 + 6,905, the one left to the larger fractional part, fc2's.
    expect(erkKeepCounts([[784, 300], [300, 100], [100, 10]], 26620)).toEqual([18714, 6906, 1000]);
  });
});
