import { describe, expect, it } from 'vitest';
import { calibration } from './calibration.ts';
import { brierScore, negativeLogLikelihood } from './classification.ts';

// The five samples of classification.test.ts. Top-class confidence and correctness:
//   0: 0.75  right     1: 0.5  wrong     2: 0.5  right     3: 0.375 wrong (tie → class 0)     4: 1.0 wrong
const k = 3;
const probs = new Float32Array([0.75, 0.125, 0.125, 0.125, 0.5, 0.375, 0.25, 0.25, 0.5, 0.375, 0.375, 0.25, 1, 0, 0]);
const labels = new Int32Array([0, 2, 2, 1, 1]);

describe('calibration', () => {
  it('puts confidences on a boundary in the lower bin and 1.0 in the last bin (4 bins)', () => {
    // Bins (0,.25] (.25,.5] (.5,.75] (.75,1]:
    //   0.75 → bin 2 (upper edge), 0.5 and 0.5 → bin 1 (upper edge), 0.375 → bin 1, 1.0 → bin 3.
    // bin 0: empty
    // bin 1: samples 1,2,3; conf (0.5+0.5+0.375)/3 = 1.375/3; acc 1/3; gap 0.375/3 = 0.125
    // bin 2: sample 0;      conf 0.75; acc 1; gap 0.25
    // bin 3: sample 4;      conf 1;    acc 0; gap 1
    // ECE = 3/5·0.125 + 1/5·0.25 + 1/5·1 = 0.075 + 0.05 + 0.2 = 0.325; MCE = 1
    const result = calibration(probs, labels, k, 4);
    expect(result.bins).toEqual([
      { lower: 0, upper: 0.25, count: 0, confidence: null, accuracy: null },
      { lower: 0.25, upper: 0.5, count: 3, confidence: 1.375 / 3, accuracy: 1 / 3 },
      { lower: 0.5, upper: 0.75, count: 1, confidence: 0.75, accuracy: 1 },
      { lower: 0.75, upper: 1, count: 1, confidence: 1, accuracy: 0 },
    ]);
    expect(result.ece).toBeCloseTo(0.325, 12);
    expect(result.mce).toBe(1);
  });

  it('reports the NLL and Brier score of the same predictions', () => {
    const result = calibration(probs, labels, k, 4);
    expect(result.nll).toBe(negativeLogLikelihood(probs, labels, k));
    expect(result.brier).toBe(brierScore(probs, labels, k));
    expect(result.nll).toBeCloseTo(6.114701774992745, 12);
    expect(result.brier).toBe(0.74375);
  });

  it('uses 15 bins by default and bins the stored float32 value: float32(0.6) lies above the edge 9/15', () => {
    // All four samples have top confidence float32(0.6) = 0.6000000238418579 > 0.6 = 9/15, so all
    // fall in bin 9 = (0.6, 0.6667]. Labels 0,0,0,1 → 3 right: acc 0.75.
    // ECE = 4/4 · |0.75 − 0.6000000238418579| = 0.1499999761581421 = MCE
    const sameRow = new Float32Array([0.6, 0.3, 0.1, 0.6, 0.3, 0.1, 0.6, 0.3, 0.1, 0.6, 0.3, 0.1]);
    const result = calibration(sameRow, new Int32Array([0, 0, 0, 1]), 3);
    expect(result.bins).toHaveLength(15);
    expect(result.bins.map((b) => b.count)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0]);
    expect(result.bins[9]).toEqual({ lower: 9 / 15, upper: 10 / 15, count: 4, confidence: Math.fround(0.6), accuracy: 0.75 });
    expect(result.bins.filter((b) => b.count === 0).every((b) => b.confidence === null && b.accuracy === null)).toBe(true);
    expect(result.ece).toBeCloseTo(0.1499999761581421, 12);
    expect(result.mce).toBe(result.ece);
  });

  it('places a confidence of exactly 1 in the last of 15 bins', () => {
    const result = calibration(new Float32Array([0, 1, 0]), new Int32Array([1]), 3);
    expect(result.bins[14]).toEqual({ lower: 14 / 15, upper: 1, count: 1, confidence: 1, accuracy: 1 });
    expect(result.ece).toBe(0);
  });

  it('counts a confidence of exactly 0 in bin 0 instead of dropping it', () => {
    // Row [0, 0] (not a distribution, but the rule must hold): argmax 0 (tie), confidence 0, label 0 → right.
    // bin 0 = [0, 0.5]: count 1, conf 0, acc 1, gap 1 → ECE = MCE = 1
    const result = calibration(new Float32Array([0, 0]), new Int32Array([0]), 2, 2);
    expect(result.bins[0]).toEqual({ lower: 0, upper: 0.5, count: 1, confidence: 0, accuracy: 1 });
    expect(result.ece).toBe(1);
    expect(result.mce).toBe(1);
  });

  it('is 0 for a calibrated model: confidence 0.75 with 3 of 4 right', () => {
    const rows = new Float32Array([0.75, 0.25, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25]);
    const result = calibration(rows, new Int32Array([0, 0, 0, 1]), 2, 10);
    expect(result.ece).toBe(0);
    expect(result.mce).toBe(0);
  });

  it('takes MCE over non-empty bins only and weights ECE by bin size', () => {
    // 2 bins (0,.5] (.5,1]: samples [0.5,0.5] label 0 → conf 0.5 right (bin 0, gap 0.5);
    // three samples [0.75,0.25] labels 0,0,0 → conf 0.75, acc 1 (bin 1, gap 0.25).
    // ECE = 1/4·0.5 + 3/4·0.25 = 0.125 + 0.1875 = 0.3125; MCE = 0.5
    const rows = new Float32Array([0.5, 0.5, 0.75, 0.25, 0.75, 0.25, 0.75, 0.25]);
    const result = calibration(rows, new Int32Array([0, 0, 0, 0]), 2, 2);
    expect(result.ece).toBe(0.3125);
    expect(result.mce).toBe(0.5);
  });

  it('rejects a bad bin count and mismatched labels, naming the argument', () => {
    expect(() => calibration(probs, labels, k, 0)).toThrow(/calibration: bins must be a positive integer, got 0/);
    expect(() => calibration(probs, labels, k, 2.5)).toThrow(/bins must be a positive integer/);
    expect(() => calibration(probs, new Int32Array(4), k)).toThrow(/calibration: labels has 4 entries, expected 5/);
    expect(() => calibration(new Float32Array(8), new Int32Array(2), k)).toThrow(
      /calibration: probs has 8 values, not a multiple of k = 3/,
    );
  });
});
