import { describe, expect, it } from 'vitest';
import {
  formatCompact,
  formatCompression,
  formatEstimate,
  formatInteger,
  formatMeanInterval,
  formatNumber,
  formatSparsity,
} from './format.ts';

describe('formatting', () => {
  it('shows mean ± half-width, n/a without an interval, — without a value', () => {
    expect(formatMeanInterval(0.98123, 0.00214, 2, 100)).toBe('98.12 ± 0.21');
    expect(formatMeanInterval(0.98123, null, 2, 100)).toBe('98.12 ± n/a');
    expect(formatMeanInterval(null, 0.1, 2)).toBe('—');
    expect(formatEstimate({ n: 3, mean: 0.5, std: 0.1, interval: { low: 0.4, high: 0.6 } }, 1, 100)).toBe('50.0 ± 10.0');
    expect(formatEstimate(null, 2)).toBe('—');
  });
  it('uses a true minus sign and never shows −0', () => {
    expect(formatNumber(-0.0123, 2, 100)).toBe('\u22121.23');
    expect(formatNumber(-0.00001, 2, 100)).toBe('0.00');
    expect(formatNumber(Number.NaN, 2)).toBe('—');
  });
  it('formats sparsity, compression and counts', () => {
    expect([0.5, 0.9, 0.995].map(formatSparsity)).toEqual(['50%', '90%', '99.5%']);
    expect([0.5, 0.6, 0.99, 0.995].map(formatCompression)).toEqual(['2×', '2.5×', '100×', '200×']);
    expect(formatInteger(1234567.4)).toBe('1,234,567');
    expect([999, 266200, 1.5e6, 2.25e9].map(formatCompact)).toEqual(['999', '266.2 k', '1.50 M', '2.25 G']);
  });
});
