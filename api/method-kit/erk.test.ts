import { describe, expect, it } from 'vitest';
import { erkKeepCounts } from './erk.ts';

describe('erkKeepCounts (method kit)', () => {
  it('hand-computed case: the tiny 2-3-2 MLP keeps 3 + 3 of 6, and 5 + 4 of 9 (equal fractions, the earlier layer first)', () => {
    expect(
      erkKeepCounts(
        [
          [2, 3],
          [3, 2],
        ],
        6,
      ),
    ).toEqual([3, 3]);
    expect(
      erkKeepCounts(
        [
          [2, 3],
          [3, 2],
        ],
        9,
      ),
    ).toEqual([5, 4]);
    // LeNet-300-100 at 90% (keep 26,620 of 266,200): ε = 26,620/Σ(Σdims) = 26,620/1,594 gives fc3 (Σdims 110, size
    // 1,000) 1,837 > 1,000 weights, so fc3 is dense; the other 25,620 split by Σdims 1,084 : 400 into 18,714.34 and
    // 6,905.66: floors 18,714 + 6,905, the one left to the larger fractional part, fc2's.
    expect(
      erkKeepCounts(
        [
          [784, 300],
          [300, 100],
          [100, 10],
        ],
        26620,
      ),
    ).toEqual([18714, 6906, 1000]);
  });
});
