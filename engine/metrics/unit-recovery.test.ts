import { describe, expect, it } from 'vitest';
import { unitRecovery } from './unit-recovery.ts';

// An MLP 2 → 4 → 2 → 1: kernels fc1 [2, 4], fc2 [4, 2], fc3 [2, 1], row-major (input · outputs + output).
const kernels = [
  { name: 'fc1/kernel', shape: [2, 4] },
  { name: 'fc2/kernel', shape: [4, 2] },
  { name: 'fc3/kernel', shape: [2, 1] },
];
const zeros = (n: number) => new Float32Array(n);
const withOnes = (n: number, ones: number[]) => {
  const a = zeros(n);
  for (const i of ones) a[i] = 1;
  return a;
};

// Truth: fc1 edges (in 0 → unit 0) = index 0 and (in 1 → unit 1) = index 1·4 + 1 = 5;
// fc2 edges (fc1 unit 0 → fc2 unit 0) = 0 and (fc1 unit 2 → fc2 unit 0) = 2·2 + 0 = 4; fc3 edge (fc2 unit 0 → out) = 0.
// Planted units: fc1 {0, 1} by their incoming edges and {2} by its outgoing edge only (3 of 4);
// fc2 {0} (1 of 2; unit 1 has no planted weight in or out).
const truth = { 'fc1/kernel': withOnes(8, [0, 5]), 'fc2/kernel': withOnes(8, [0, 4]), 'fc3/kernel': withOnes(2, [0]) };
// A neuron mask keeping fc1 units {0, 3} and fc2 unit {1}: fc1 columns 0 and 3 (indices 0, 3, 4, 7),
// fc2 rows {0, 3} × column 1 (indices 1, 7), fc3 row 1 (index 1).
const mask = { 'fc1/kernel': withOnes(8, [0, 3, 4, 7]), 'fc2/kernel': withOnes(8, [1, 7]), 'fc3/kernel': withOnes(2, [1]) };

describe('unitRecovery', () => {
  it('scores the hidden units kept against the planted units, per layer and pooled', () => {
    // fc1: kept {0, 3}, planted {0, 1, 2}, both {0}: precision 1/2, recall 1/3, Jaccard 1/(2 + 3 − 1) = 1/4.
    // fc2: kept {1}, planted {0}, both {}: 0, 0, 0/2 = 0.
    // pooled: kept 3, planted 4, both 1: precision 1/3, recall 1/4, Jaccard 1/6.
    const result = unitRecovery(mask, truth, kernels);
    expect(result.layers).toEqual([
      { name: 'fc1/kernel', units: 4, kept: 2, planted: 3, precision: 1 / 2, recall: 1 / 3, jaccard: 1 / 4 },
      { name: 'fc2/kernel', units: 2, kept: 1, planted: 1, precision: 0, recall: 0, jaccard: 0 },
    ]);
    expect([result.precision, result.recall, result.jaccard]).toEqual([1 / 3, 1 / 4, 1 / 6]);
  });

  it('gives 1 everywhere for the planted units kept exactly, and 0 for a layer emptied of kept units', () => {
    const exact = unitRecovery(truth, truth, kernels);
    expect([exact.precision, exact.recall, exact.jaccard]).toEqual([1, 1, 1]);
    const empty = unitRecovery({ 'fc1/kernel': zeros(8), 'fc2/kernel': zeros(8), 'fc3/kernel': zeros(2) }, truth, kernels);
    expect(empty.layers.map((l) => [l.kept, l.precision, l.recall, l.jaccard])).toEqual([
      [0, 0, 0, 0],
      [0, 0, 0, 0],
    ]);
  });

  it('refuses what has no dense hidden units or does not fit', () => {
    expect(() => unitRecovery(mask, truth, kernels.slice(0, 1))).toThrow(/at least two dense kernels/);
    expect(() => unitRecovery(mask, truth, [{ name: 'c/kernel', shape: [3, 3, 1, 4] }, ...kernels.slice(1)])).toThrow(
      /'c\/kernel' has shape \[3, 3, 1, 4\]; only dense kernels/,
    );
    expect(() => unitRecovery(mask, truth, [kernels[0], { name: 'fc2/kernel', shape: [3, 2] }, kernels[2]])).toThrow(
      /'fc1\/kernel' has 4 outputs but 'fc2\/kernel' reads 3 inputs/,
    );
    expect(() => unitRecovery({ ...mask, 'fc1/kernel': withOnes(6, [0]) }, truth, kernels)).toThrow(/mask\['fc1\/kernel'\] has 6 entries/);
    expect(() => unitRecovery({ ...mask, 'fc2/kernel': new Float32Array(8).fill(0.5) }, truth, kernels)).toThrow(/is not 0 or 1/);
    const { 'fc3/kernel': _, ...missing } = truth;
    expect(() => unitRecovery(mask, missing, kernels)).toThrow(/truth has no entry for 'fc3\/kernel'/);
  });
});
