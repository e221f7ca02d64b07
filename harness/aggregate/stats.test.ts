import { describe, expect, it } from 'vitest';
import {
  estimate,
  halfWidth,
  intervalsOverlap,
  tiedWithLeader,
  logGamma,
  mean,
  normalQuantile,
  regularizedIncompleteBeta,
  sampleStd,
  studentTCdf,
  studentTQuantile,
  tInterval,
} from './stats.ts';

describe('mean and sample std', () => {
  it('match hand values', () => {
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    // squares about 2.5: 2.25 + 0.25 + 0.25 + 2.25 = 5; / 3
    expect(sampleStd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(sampleStd([7])).toBeNull();
    expect(() => mean([])).toThrow();
  });
});

describe('Student-t quantile', () => {
  const table: Array<[number, number]> = [
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [4, 2.776],
    [5, 2.571],
    [10, 2.228],
    [30, 2.042],
    [120, 1.98],
  ];
  it.each(table)('t(0.975, df=%i) = %f to table precision', (df, expected) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(expected, 3);
  });

  it('approaches the normal quantile 1.960 for large df', () => {
    expect(studentTQuantile(0.975, 1e5)).toBeCloseTo(1.959988, 5);
    expect(studentTQuantile(0.975, 1e9)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
  });

  it('matches other tail probabilities and is antisymmetric', () => {
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032, 3);
    expect(studentTQuantile(0.95, 7)).toBeCloseTo(1.895, 3);
    expect(studentTQuantile(0.025, 4)).toBeCloseTo(-2.776, 3);
    expect(studentTQuantile(0.5, 9)).toBe(0);
  });

  it('inverts the CDF, including non-integer df', () => {
    for (const df of [1.5, 3, 6.3, 17, 250]) {
      for (const p of [0.6, 0.9, 0.975, 0.999]) {
        expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10);
      }
    }
  });

  it('rejects invalid arguments', () => {
    expect(() => studentTQuantile(1, 3)).toThrow();
    expect(() => studentTQuantile(0.9, 0)).toThrow();
  });
});

describe('special functions', () => {
  it('log-gamma matches factorials and Γ(1/2) = √π', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
  });
  it('regularized incomplete beta matches closed forms', () => {
    // I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a
    expect(regularizedIncompleteBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 13);
    expect(regularizedIncompleteBeta(0.8, 3, 1)).toBeCloseTo(0.8 ** 3, 13);
  });
});

describe('interval', () => {
  it('is mean ± t·s/√n', () => {
    // values 1,2,3: mean 2, s = 1, t(0.975, 2) = 4.302653
    const interval = tInterval([1, 2, 3])!;
    expect(interval.low).toBeCloseTo(2 - 4.302653 / Math.sqrt(3), 5);
    expect(interval.high).toBeCloseTo(2 + 4.302653 / Math.sqrt(3), 5);
  });
  it('is null for a single value, never a fake zero-width one', () => {
    expect(tInterval([0.9])).toBeNull();
    const e = estimate([0.9])!;
    expect(e).toEqual({ n: 1, mean: 0.9, std: null, interval: null });
    expect(halfWidth(e)).toBeNull();
  });
  it('estimate skips null and non-finite values', () => {
    const e = estimate([0.5, null, 0.7, undefined, Number.NaN])!;
    expect(e.n).toBe(2);
    expect(e.mean).toBeCloseTo(0.6, 14);
    expect(halfWidth(e)).toBeCloseTo((12.7062047 * (Math.SQRT2 * 0.1)) / Math.SQRT2, 5);
    expect(estimate([null])).toBeNull();
  });
  it('overlap is closed at the ends', () => {
    expect(intervalsOverlap({ low: 0, high: 1 }, { low: 1, high: 2 })).toBe(true);
    expect(intervalsOverlap({ low: 0, high: 1 }, { low: 1.0001, high: 2 })).toBe(false);
    expect(intervalsOverlap({ low: 0, high: 3 }, { low: 1, high: 2 })).toBe(true);
  });
  it('ties with the leader only the unbroken run of overlapping intervals below it', () => {
    const leader = { low: 0.9, high: 1 };
    const near = { low: 0.85, high: 0.95 };
    const separated = { low: 0.8, high: 0.89 };
    const wide = { low: 0.5, high: 0.99 };
    expect(tiedWithLeader([leader, near, near])).toEqual([false, true, true]);
    // The wide interval overlaps the leader but sits below a separated entry: no tie.
    expect(tiedWithLeader([leader, near, separated, wide])).toEqual([false, true, false, false]);
    // A single seed (no interval) stops the run too, and a leader without an interval ties nothing.
    expect(tiedWithLeader([leader, null, near])).toEqual([false, false, false]);
    expect(tiedWithLeader([null, near, near])).toEqual([false, false, false]);
    expect(tiedWithLeader([])).toEqual([]);
  });
});
