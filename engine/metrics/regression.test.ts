import { describe, expect, it } from 'vitest';
import { meanSquaredError, rescaleOutputs } from './regression.ts';

// Three samples, two outputs (rows are samples):
//   f = [[1, 2], [2, 0], [-1, 1]]      y = [[2, 1], [3, 1], [0, 3]]
const outputs = new Float32Array([1, 2, 2, 0, -1, 1]);
const targets = new Float32Array([2, 1, 3, 1, 0, 3]);

describe('meanSquaredError', () => {
  it('sums squared error over outputs per sample, then averages over samples', () => {
    // sample 0: (1−2)² + (2−1)² = 2;  sample 1: (2−3)² + (0−1)² = 2;  sample 2: (−1−0)² + (1−3)² = 5
    // (2 + 2 + 5) / 3 samples = 3   (the mean over all 6 entries would be 1.5)
    expect(meanSquaredError(outputs, targets, 2)).toBe(3);
  });

  it('depends on d: the same 6 numbers read as 6 one-output samples give 9 / 6', () => {
    expect(meanSquaredError(outputs, targets, 1)).toBe(1.5);
  });

  it('rejects mismatched lengths, partial rows and non-finite values, naming the argument', () => {
    expect(() => meanSquaredError(outputs, new Float32Array(4), 2)).toThrow(/meanSquaredError: targets has 4 entries, expected 6/);
    expect(() => meanSquaredError(outputs, targets, 4)).toThrow(/meanSquaredError: outputs has 6 values, not a multiple of d = 4/);
    expect(() => meanSquaredError(new Float32Array([NaN, 0]), new Float32Array(2), 1)).toThrow(/outputs\[0\] = NaN is not finite/);
    expect(() => meanSquaredError(new Float32Array(0), new Float32Array(0), 1)).toThrow(/outputs is empty/);
  });
});

describe('rescaleOutputs', () => {
  it('fits λ_j = Σ y·f / Σ f² per output column', () => {
    // column 0: f = [1, 2, −1], y = [2, 3, 0]: Σyf = 2 + 6 + 0 = 8, Σf² = 1 + 4 + 1 = 6 → λ0 = 4/3
    // column 1: f = [2, 0, 1],  y = [1, 1, 3]: Σyf = 2 + 0 + 3 = 5, Σf² = 4 + 0 + 1 = 5 → λ1 = 1
    const { rescaled, scales } = rescaleOutputs(outputs, targets, 2);
    expect(scales).toEqual([4 / 3, 1]);
    expect([...rescaled]).toEqual([4 / 3, 2, 8 / 3, 0, -4 / 3, 1]);
    // residuals y − λf: column 0: 2/3, 1/3, 4/3 → 4/9 + 1/9 + 16/9 = 21/9; column 1: −1, 1, 2 → 6
    // MSE = (21/9 + 6) / 3 = 25/9 ≈ 2.78, below the unscaled 3
    expect(meanSquaredError(rescaled, targets, 2)).toBeCloseTo(25 / 9, 12);
  });

  it('recovers a planted scale exactly: f = diag(2, 0.5)·y gives λ = (0.5, 2) and zero error', () => {
    const y = new Float32Array([1, 4, -2, 2, 0.5, -8]);
    const f = new Float32Array([2, 2, -4, 1, 1, -4]);
    const { rescaled, scales } = rescaleOutputs(f, y, 2);
    expect(scales).toEqual([0.5, 2]);
    expect(meanSquaredError(rescaled, y, 2)).toBe(0);
  });

  it('sets λ = 0 for an all-zero output column', () => {
    // column 0 is all zero → λ0 = 0; column 1: Σyf = 2·1 + 4·2 = 10, Σf² = 1 + 4 = 5 → λ1 = 2
    const { rescaled, scales } = rescaleOutputs(new Float32Array([0, 1, 0, 2]), new Float32Array([5, 2, 7, 4]), 2);
    expect(scales).toEqual([0, 2]);
    expect([...rescaled]).toEqual([0, 2, 0, 4]);
  });

  it('rejects mismatched targets', () => {
    expect(() => rescaleOutputs(outputs, new Float32Array(5), 2)).toThrow(/rescaleOutputs: targets has 5 entries, expected 6/);
  });
});
