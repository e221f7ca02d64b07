/** Display formatting for the leaderboard: one place, so tables, plots and downloads agree. */
import { halfWidth, type Estimate } from '../aggregate/stats.ts';

export const MISSING = '—';
export const NO_INTERVAL = 'n/a';
const MINUS = '\u2212';

function fixed(value: number, digits: number): string {
  const text = value.toFixed(digits);
  // "-0.00" would claim a sign the rounded value does not have.
  if (/^-0\.?0*$/.test(text)) return text.slice(1);
  return text.startsWith('-') ? MINUS + text.slice(1) : text;
}

export function formatNumber(value: number | null | undefined, digits: number, scale = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return fixed(value * scale, digits);
}

/** "98.12 ± 0.21"; "98.12 ± n/a" for a single seed; "—" without a value. */
export function formatMeanInterval(mean: number | null | undefined, half: number | null | undefined, digits: number, scale = 1): string {
  if (mean === null || mean === undefined || !Number.isFinite(mean)) return MISSING;
  const h = half === null || half === undefined || !Number.isFinite(half) ? NO_INTERVAL : fixed(half * scale, digits);
  return `${fixed(mean * scale, digits)} ± ${h}`;
}

export function formatEstimate(e: Estimate | null, digits: number, scale = 1): string {
  return e ? formatMeanInterval(e.mean, halfWidth(e), digits, scale) : MISSING;
}

/**
 * `significant` significant digits: fixed notation from 0.01 up, else "1.05e−4", so a small value
 * (a regression MSE) never prints as "0.0001" or "0.0000".
 */
export function formatSignificant(value: number | null | undefined, significant = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  if (value === 0) return '0';
  const abs = Math.abs(value);
  const text =
    abs >= 0.01 && abs < 1e6 ? Number(value.toPrecision(significant)).toString() : value.toExponential(significant - 1).replace('e+', 'e');
  return text.replace(/-/g, MINUS);
}

/** "1.05e−4 ± 2.1e−6": mean to 3 significant digits, half-width to 2. */
export function formatSignificantInterval(mean: number | null | undefined, half: number | null | undefined): string {
  if (mean === null || mean === undefined || !Number.isFinite(mean)) return MISSING;
  const h = half === null || half === undefined || !Number.isFinite(half) ? NO_INTERVAL : formatSignificant(half, 2);
  return `${formatSignificant(mean, 3)} ± ${h}`;
}

export function formatSignificantEstimate(e: Estimate | null): string {
  return e ? formatSignificantInterval(e.mean, halfWidth(e)) : MISSING;
}

/** 0.9 → "90%", 0.995 → "99.5%". */
export function formatSparsity(sparsity: number): string {
  return `${Number((sparsity * 100).toFixed(2))}%`;
}

/** 0.9 → "10×", 0.995 → "200×", 0.75 → "4×", 0.6 → "2.5×". */
export function formatCompression(sparsity: number): string {
  if (sparsity >= 1) return '∞×';
  return `${Number((1 / (1 - sparsity)).toPrecision(3))}×`;
}

/** 1234567 → "1,234,567". */
export function formatInteger(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  return Math.round(value).toLocaleString('en-US');
}

/** Multiply-adds, compact: 266200 → "266.2 k", 1.5e9 → "1.50 G". */
export function formatCompact(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return MISSING;
  const units: Array<[number, string]> = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) {
    if (Math.abs(value) >= size) {
      const scaled = value / size;
      return `${scaled >= 100 ? scaled.toFixed(1) : scaled.toFixed(2)} ${unit}`;
    }
  }
  return String(Math.round(value));
}

export function formatSeeds(seeds: readonly number[]): string {
  return seeds.length ? seeds.join(', ') : MISSING;
}

/** "2025-01-31 14:05 UTC" from an ISO date. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}
