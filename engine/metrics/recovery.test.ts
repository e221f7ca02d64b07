import { describe, expect, it } from 'vitest';
import { maskRecovery } from './recovery.ts';

// l1: mask  [1, 1, 0, 0, 1, 0]   truth [1, 0, 1, 0, 1, 0]
//     kept 3, planted 3, both 2 (indices 0 and 4), union 3 + 3 − 2 = 4
//     precision 2/3, recall 2/3, Jaccard 2/4 = 0.5
// l2: mask  [1, 0, 0, 0]         truth [1, 1, 1, 0]
//     kept 1, planted 3, both 1, union 3
//     precision 1, recall 1/3, Jaccard 1/3
// overall (pooled counts): kept 4, planted 6, both 3, union 7
//     precision 3/4, recall 3/6 = 1/2, Jaccard 3/7   (the mean of layer precisions would be 5/6)
const mask = { l1: new Float32Array([1, 1, 0, 0, 1, 0]), l2: new Float32Array([1, 0, 0, 0]) };
const truth = { l1: new Float32Array([1, 0, 1, 0, 1, 0]), l2: new Float32Array([1, 1, 1, 0]) };

describe('maskRecovery', () => {
  it('scores kept edges against planted edges per layer and pooled over layers', () => {
    const result = maskRecovery(mask, truth, ['l1', 'l2']);
    expect(result.precision).toBe(3 / 4);
    expect(result.recall).toBe(1 / 2);
    expect(result.jaccard).toBe(3 / 7);
    expect(result.layers).toEqual([
      { name: 'l1', precision: 2 / 3, recall: 2 / 3, jaccard: 0.5 },
      { name: 'l2', precision: 1, recall: 1 / 3, jaccard: 1 / 3 },
    ]);
  });

  it('scores only the named layers, in the order given', () => {
    const result = maskRecovery(mask, truth, ['l2']);
    expect(result.layers.map((l) => l.name)).toEqual(['l2']);
    expect([result.precision, result.recall, result.jaccard]).toEqual([1, 1 / 3, 1 / 3]);
  });

  it('gives 1 everywhere for a mask equal to the truth', () => {
    const result = maskRecovery(truth, truth, ['l1', 'l2']);
    expect([result.precision, result.recall, result.jaccard]).toEqual([1, 1, 1]);
  });

  it('defines every 0/0 as 0: nothing kept, nothing planted, or both', () => {
    // nothing kept, one planted: precision 0/0 → 0, recall 0/1 = 0, Jaccard 0/1 = 0
    // one kept (−0 is 0), nothing planted: precision 0/1 = 0, recall 0/0 → 0, Jaccard 0/1 = 0
    // both empty: all three 0/0 → 0
    const result = maskRecovery(
      { a: new Float32Array([0, 0]), b: new Float32Array([1, -0]), c: new Float32Array([0, 0]) },
      { a: new Float32Array([1, 0]), b: new Float32Array([0, 0]), c: new Float32Array([0, 0]) },
      ['a', 'b', 'c'],
    );
    expect(result.layers).toEqual([
      { name: 'a', precision: 0, recall: 0, jaccard: 0 },
      { name: 'b', precision: 0, recall: 0, jaccard: 0 },
      { name: 'c', precision: 0, recall: 0, jaccard: 0 },
    ]);
    // pooled: kept 1, planted 1, both 0 → 0, 0, 0/2
    expect([result.precision, result.recall, result.jaccard]).toEqual([0, 0, 0]);
  });

  it('rejects non-binary masks, missing layers, length mismatches and empty or repeated names', () => {
    expect(() => maskRecovery({ l1: new Float32Array([0.5]) }, { l1: new Float32Array([1]) }, ['l1'])).toThrow(
      /maskRecovery: mask\['l1'\]\[0\] = 0.5 is not 0 or 1/,
    );
    expect(() => maskRecovery(mask, { l1: truth.l1 }, ['l1', 'l2'])).toThrow(/maskRecovery: truth has no entry for 'l2'/);
    expect(() => maskRecovery(mask, { ...truth, l2: new Float32Array(3) }, ['l2'])).toThrow(
      /mask\['l2'\] has 4 entries, truth\['l2'\] has 3/,
    );
    expect(() => maskRecovery(mask, truth, [])).toThrow(/names is empty/);
    expect(() => maskRecovery(mask, truth, ['l1', 'l1'])).toThrow(/names lists 'l1' twice/);
  });
});
