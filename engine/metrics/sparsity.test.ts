import { describe, expect, it } from 'vitest';
import { measureSparsity, parameterCounts, sparsityMissesTarget } from './sparsity.ts';

// fc1/kernel: [0, −0, 1.5, 0, 2, −3] → 6 weights, 3 zeros (−0 counts)
// fc1/bias:   [0, 0]                 → not prunable, its zeros are not counted
// fc2/kernel: [0, 0, 0, 0]           → fully pruned: 4 of 4
// fc2/bias:   [1]
const weights = {
  'fc1/kernel': new Float32Array([0, -0, 1.5, 0, 2, -3]),
  'fc1/bias': new Float32Array([0, 0]),
  'fc2/kernel': new Float32Array([0, 0, 0, 0]),
  'fc2/bias': new Float32Array([1]),
};
const prunable = ['fc1/kernel', 'fc2/kernel'];

describe('measureSparsity', () => {
  it('counts exact zeros, −0 included, per prunable layer and globally', () => {
    // global: (3 + 4) zeros / (6 + 4) weights = 0.7
    expect(measureSparsity(weights, prunable, 0.75)).toEqual({
      target: 0.75,
      global: 0.7,
      layers: [
        { name: 'fc1/kernel', total: 6, zeros: 3, sparsity: 0.5 },
        { name: 'fc2/kernel', total: 4, zeros: 4, sparsity: 1 },
      ],
    });
  });

  it('does not count NaN or tiny non-zero values as zeros', () => {
    const result = measureSparsity({ w: new Float32Array([NaN, 1e-30, 0, 5]) }, ['w'], 0.5);
    expect(result.layers[0].zeros).toBe(1);
    expect(result.global).toBe(0.25);
  });

  it('rejects a prunable name missing from the weights, duplicate names, an empty layer and a target outside [0, 1]', () => {
    expect(() => measureSparsity(weights, ['fc3/kernel'], 0.5)).toThrow(
      /measureSparsity: prunableNames lists 'fc3\/kernel', which weights does not contain/,
    );
    expect(() => measureSparsity(weights, ['toString'], 0.5)).toThrow(/which weights does not contain/);
    expect(() => measureSparsity(weights, ['fc1/kernel', 'fc1/kernel'], 0.5)).toThrow(/prunableNames lists 'fc1\/kernel' twice/);
    expect(() => measureSparsity({ w: new Float32Array(0) }, ['w'], 0.5)).toThrow(/weights\['w'\] is empty/);
    expect(() => measureSparsity(weights, prunable, 1.5)).toThrow(/target = 1.5 is not a sparsity/);
  });
});

describe('parameterCounts', () => {
  it('counts all parameters, the prunable ones, and the non-zero prunable ones', () => {
    // total 6 + 2 + 4 + 1 = 13; prunable 6 + 4 = 10; remaining: 1.5, 2, −3 → 3
    expect(parameterCounts(weights, prunable)).toEqual({ total: 13, prunable: 10, remaining: 3 });
  });

  it('rejects a prunable name missing from the weights', () => {
    expect(() => parameterCounts(weights, ['fc1/kernel', 'nope'])).toThrow(/parameterCounts: prunableNames lists 'nope'/);
  });
});

describe('sparsityMissesTarget', () => {
  it('allows a miss of exactly 0.1 percentage point despite 0.9 − 0.899 = 0.0010000000000000009 in doubles', () => {
    expect(sparsityMissesTarget(0.899, 0.9)).toBe(false);
    expect(sparsityMissesTarget(0.9, 0.9)).toBe(false);
  });

  it('flags misses beyond the tolerance in either direction', () => {
    expect(sparsityMissesTarget(0.8989, 0.9)).toBe(true);
    expect(sparsityMissesTarget(0.9011, 0.9)).toBe(true);
  });

  it('honours a custom tolerance', () => {
    expect(sparsityMissesTarget(0.95, 0.9, 0.05)).toBe(false);
    expect(sparsityMissesTarget(0.96, 0.9, 0.05)).toBe(true);
  });

  it('rejects values that are not sparsities', () => {
    expect(() => sparsityMissesTarget(NaN, 0.9)).toThrow(/measured = NaN is not a sparsity/);
    expect(() => sparsityMissesTarget(0.9, -0.1)).toThrow(/target = -0.1 is not a sparsity/);
    expect(() => sparsityMissesTarget(0.9, 0.9, -1)).toThrow(/tolerance = -1 must be a non-negative number/);
  });
});
