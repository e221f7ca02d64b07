import { describe, expect, it } from 'vitest';
import { disparateImpact, groupAccuracies } from './disparity.ts';

describe('groupAccuracies', () => {
  it('computes accuracy per occurring group, sorted by group id', () => {
    //   i  predicted  label  right  group
    //   0  0          0      yes    5
    //   1  1          1      yes    2
    //   2  1          2      no     2
    //   3  2          2      yes    5
    //   4  2          2      yes    7
    //   5  0          1      no     7
    //   6  1          1      yes    2
    // group 2: samples 1,2,6 → 2/3; group 5: samples 0,3 → 2/2; group 7: samples 4,5 → 1/2
    const predicted = new Int32Array([0, 1, 1, 2, 2, 0, 1]);
    const labels = new Int32Array([0, 1, 2, 2, 2, 1, 1]);
    const groups = new Int32Array([5, 2, 2, 5, 7, 7, 2]);
    expect(groupAccuracies(predicted, labels, groups)).toEqual([
      { group: 2, count: 3, accuracy: 2 / 3 },
      { group: 5, count: 2, accuracy: 1 },
      { group: 7, count: 2, accuracy: 0.5 },
    ]);
  });

  it('rejects arrays of inconsistent length, naming the argument', () => {
    expect(() => groupAccuracies(new Int32Array(3), new Int32Array(3), new Int32Array(2))).toThrow(
      /groupAccuracies: groups has 2 entries, expected 3/,
    );
    expect(() => groupAccuracies(new Int32Array(4), new Int32Array(3), new Int32Array(3))).toThrow(
      /groupAccuracies: predicted has 4 entries, expected 3/,
    );
  });
});

// Ten test samples in three classes:
//   group  count  sparse right  dense right
//   0      4      2 (0.5)       4 (1.0)
//   1      4      3 (0.75)      3 (0.75)
//   2      2      2 (1.0)       2 (1.0)
// overall: sparse 7/10 = 0.7, dense 9/10 = 0.9, overall drop 0.2
// ψ0 = (1.0 − 0.5) − 0.2 = 0.3;  ψ1 = (0.75 − 0.75) − 0.2 = −0.2;  ψ2 = (1.0 − 1.0) − 0.2 = −0.2
// max ψ = 0.3;  Ψ = 0.3 − (−0.2) = 0.5;  worst-group sparse accuracy = 0.5
const sparse = [
  { group: 0, count: 4, accuracy: 0.5 },
  { group: 1, count: 4, accuracy: 0.75 },
  { group: 2, count: 2, accuracy: 1 },
];
const dense = [
  { group: 0, count: 4, accuracy: 1 },
  { group: 1, count: 4, accuracy: 0.75 },
  { group: 2, count: 2, accuracy: 1 },
];

describe('disparateImpact', () => {
  it('computes ψ per group, max ψ, Ψ and the worst group from hand numbers', () => {
    const result = disparateImpact(sparse, dense, 0.7, 0.9, 'class');
    expect(result.groupBy).toBe('class');
    expect(result.groups.map((g) => [g.group, g.count, g.accuracy, g.denseAccuracy])).toEqual([
      [0, 4, 0.5, 1],
      [1, 4, 0.75, 0.75],
      [2, 2, 1, 1],
    ]);
    const psis = result.groups.map((g) => g.psi as number);
    expect(psis[0]).toBeCloseTo(0.3, 12);
    expect(psis[1]).toBeCloseTo(-0.2, 12);
    expect(psis[2]).toBeCloseTo(-0.2, 12);
    expect(result.maxPsi).toBeCloseTo(0.3, 12);
    expect(result.psiRange).toBeCloseTo(0.5, 12);
    expect(result.worstGroupAccuracy).toBe(0.5);
  });

  it('gives ψ = 0 everywhere when every group loses exactly the overall drop', () => {
    // each group drops 0.25, the overall accuracy drops 0.25
    const result = disparateImpact(
      [
        { group: 0, count: 2, accuracy: 0.5 },
        { group: 1, count: 2, accuracy: 0.25 },
      ],
      [
        { group: 0, count: 2, accuracy: 0.75 },
        { group: 1, count: 2, accuracy: 0.5 },
      ],
      0.375,
      0.625,
      'attribute',
    );
    expect(result.groups.map((g) => g.psi)).toEqual([0, 0]);
    expect(result.maxPsi).toBe(0);
    expect(result.psiRange).toBe(0);
    expect(result.worstGroupAccuracy).toBe(0.25);
  });

  it('sorts groups by id and ignores groups with zero samples on either side', () => {
    const shuffled = [sparse[2], { group: 9, count: 0, accuracy: 0 }, sparse[0], sparse[1]];
    const result = disparateImpact(shuffled, [...dense, { group: 8, count: 0, accuracy: 0 }], 0.7, 0.9, 'class');
    expect(result.groups.map((g) => g.group)).toEqual([0, 1, 2]);
    expect(result.maxPsi).toBeCloseTo(0.3, 12);
  });

  it('leaves every ψ field null for a dense run but still reports the worst group', () => {
    const result = disparateImpact(dense, null, 0.9, null, 'class');
    expect(result.groups).toEqual([
      { group: 0, count: 4, accuracy: 1, denseAccuracy: null, psi: null },
      { group: 1, count: 4, accuracy: 0.75, denseAccuracy: null, psi: null },
      { group: 2, count: 2, accuracy: 1, denseAccuracy: null, psi: null },
    ]);
    expect(result.maxPsi).toBeNull();
    expect(result.psiRange).toBeNull();
    expect(result.worstGroupAccuracy).toBe(0.75);
  });

  it('rejects a group present on one side only, naming it', () => {
    expect(() => disparateImpact(sparse, dense.slice(0, 2), 0.7, 0.9, 'class')).toThrow(
      /cover different groups \(only in sparseGroups: \[2\]; only in denseGroups: \[\]\)/,
    );
    expect(() => disparateImpact(sparse.slice(1), dense, 0.7, 0.9, 'class')).toThrow(
      /only in sparseGroups: \[\]; only in denseGroups: \[0\]/,
    );
  });

  it('rejects groups whose counts differ between the runs, duplicates, and half-given dense references', () => {
    const otherCount = [{ group: 0, count: 5, accuracy: 1 }, dense[1], dense[2]];
    expect(() => disparateImpact(sparse, otherCount, 0.7, 0.9, 'class')).toThrow(
      /group 0 has 4 samples in sparseGroups but 5 in denseGroups/,
    );
    expect(() => disparateImpact([...sparse, sparse[0]], dense, 0.7, 0.9, 'class')).toThrow(/sparseGroups lists group 0 twice/);
    expect(() => disparateImpact(sparse, dense, 0.7, null, 'class')).toThrow(
      /denseGroups and denseOverall must both be given or both be null/,
    );
    expect(() => disparateImpact(sparse, null, 0.7, 0.9, 'class')).toThrow(/both be given or both be null/);
    expect(() => disparateImpact([], null, 0.7, null, 'class')).toThrow(/sparseGroups has no group with samples/);
    expect(() => disparateImpact(sparse, dense, 1.2, 0.9, 'class')).toThrow(/sparseOverall = 1.2 is not an accuracy/);
  });
});
