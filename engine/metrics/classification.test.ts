import { describe, expect, it } from 'vitest';
import { accuracy, brierScore, negativeLogLikelihood, predictedClasses } from './classification.ts';

// Five samples, three classes. Probabilities are dyadic so float32 holds them exactly.
//   sample  probs                 label  argmax           correct
//   0       [0.75, 0.125, 0.125]  0      0                yes
//   1       [0.125, 0.5, 0.375]   2      1                no
//   2       [0.25, 0.25, 0.5]     2      2                yes
//   3       [0.375, 0.375, 0.25]  1      0 (tie 0/1 → 0)  no
//   4       [1, 0, 0]             1      0                no   (p_y = 0, clamped)
const k = 3;
const probs = new Float32Array([0.75, 0.125, 0.125, 0.125, 0.5, 0.375, 0.25, 0.25, 0.5, 0.375, 0.375, 0.25, 1, 0, 0]);
const labels = new Int32Array([0, 2, 2, 1, 1]);

describe('predictedClasses', () => {
  it('takes the argmax per row and breaks ties towards the lowest index', () => {
    expect([...predictedClasses(probs, k)]).toEqual([0, 1, 2, 0, 0]);
  });

  it('breaks a four-way tie towards class 0 and a tie between classes 1 and 2 towards class 1', () => {
    const ties = new Float32Array([0.25, 0.25, 0.25, 0.25, 0, 0.5, 0.5, 0]);
    expect([...predictedClasses(ties, 4)]).toEqual([0, 1]);
  });

  it('rejects probs that are not a whole number of rows, naming the argument', () => {
    expect(() => predictedClasses(new Float32Array(7), 3)).toThrow(/predictedClasses: probs has 7 values, not a multiple of k = 3/);
    expect(() => predictedClasses(new Float32Array(6), 0)).toThrow(/k must be a positive integer/);
  });

  it('rejects NaN', () => {
    expect(() => predictedClasses(new Float32Array([0.5, NaN]), 2)).toThrow(/probs\[1\] = NaN/);
  });
});

describe('accuracy', () => {
  it('counts matches: samples 0 and 2 of 5 are right → 2/5', () => {
    expect(accuracy(predictedClasses(probs, k), labels)).toBe(0.4);
  });

  it('rejects predictions of a different length than labels, and empty input', () => {
    expect(() => accuracy(new Int32Array(4), labels)).toThrow(/accuracy: predicted has 4 entries, expected 5/);
    expect(() => accuracy(new Int32Array(0), new Int32Array(0))).toThrow(/labels is empty/);
  });
});

describe('negativeLogLikelihood', () => {
  it('is the mean of −ln p_y with p_y clamped at 1e-12', () => {
    // p_y per sample: 0.75, 0.375, 0.5, 0.375, 0 → 1e-12
    // −ln: 0.28768207245, 0.98082925301, 0.69314718056, 0.98082925301, 27.63102111593
    // sum 30.57350887496 / 5 = 6.114701774992745
    expect(negativeLogLikelihood(probs, labels, k)).toBeCloseTo(6.114701774992745, 12);
  });

  it('is 0 for one-hot correct predictions', () => {
    expect(negativeLogLikelihood(new Float32Array([0, 1, 1, 0]), new Int32Array([1, 0]), 2)).toBe(0);
  });

  it('caps a certain wrong prediction at −ln(1e-12) = 27.631021115928547 instead of Infinity', () => {
    expect(negativeLogLikelihood(new Float32Array([1, 0]), new Int32Array([1]), 2)).toBeCloseTo(27.631021115928547, 12);
  });

  it('rejects a labels array of the wrong length, labels outside 0..k−1 and values that are not probabilities', () => {
    expect(() => negativeLogLikelihood(probs, new Int32Array(4), k)).toThrow(/negativeLogLikelihood: labels has 4 entries, expected 5/);
    expect(() => negativeLogLikelihood(probs, new Int32Array([0, 1, 2, 3, 0]), k)).toThrow(/labels\[3\] = 3 is outside the classes 0..2/);
    expect(() => negativeLogLikelihood(new Float32Array([2.5, -1]), new Int32Array([0]), 2)).toThrow(
      /probs\[0\] = 2.5 is not a probability/,
    );
  });
});

describe('brierScore', () => {
  it('sums squared error against the one-hot label over classes, averaged over samples', () => {
    // 0: (0.75−1)² + 0.125² + 0.125²     = 0.0625 + 0.015625 + 0.015625 = 0.09375
    // 1: 0.125² + 0.5² + (0.375−1)²      = 0.015625 + 0.25 + 0.390625   = 0.65625
    // 2: 0.25² + 0.25² + (0.5−1)²        = 0.0625 + 0.0625 + 0.25       = 0.375
    // 3: 0.375² + (0.375−1)² + 0.25²     = 0.140625 + 0.390625 + 0.0625 = 0.59375
    // 4: 1² + (0−1)² + 0²                = 2
    // sum 3.71875 / 5 = 0.74375
    expect(brierScore(probs, labels, k)).toBe(0.74375);
  });

  it('reaches 0 for certain right answers and 2 for certain wrong ones, the ends of its range', () => {
    const oneHot = new Float32Array([1, 0, 0, 0, 0, 1]);
    expect(brierScore(oneHot, new Int32Array([0, 2]), 3)).toBe(0);
    // (1−0)² + (0−1)² = 2 per sample
    expect(brierScore(oneHot, new Int32Array([1, 0]), 3)).toBe(2);
  });

  it('is 0.75 for a uniform guess over 4 classes', () => {
    // (0.25−1)² + 3·0.25² = 0.5625 + 0.1875
    expect(brierScore(new Float32Array([0.25, 0.25, 0.25, 0.25]), new Int32Array([3]), 4)).toBe(0.75);
  });

  it('rejects mismatched labels', () => {
    expect(() => brierScore(probs, new Int32Array(6), k)).toThrow(/brierScore: labels has 6 entries, expected 5/);
  });
});
