/** Text forms of claims and outcomes, shared by the terminal table and the reproduction record. */
import type { JudgedClaim, Measured } from './verdict.ts';

export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const abs = Math.abs(x);
  const text = abs !== 0 && abs < 0.01 ? x.toPrecision(2) : String(Number(x.toFixed(abs >= 100 ? 1 : abs >= 10 ? 2 : 3)));
  return text.replace(/^-/, '−');
}

export function formatSigned(x: number): string {
  return `${x >= 0 ? '+' : ''}${formatNumber(x)}`;
}

export function withUnit(text: string, unit: string): string {
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}

/** The unit of a difference of two values: percentage points for percentages, else the unit itself. */
export function differenceUnit(unit: string): string {
  return unit === '%' ? 'pp' : unit;
}

export function measuredText(claim: JudgedClaim, measured: Measured | null): string {
  if (measured === null) return '—';
  if (typeof measured === 'number') return withUnit(formatNumber(measured), claim.unit);
  const order = claim.kind === 'ordering' ? claim.reported.order.flat() : Object.keys(measured);
  return order.map((entry) => `${entry} ${formatNumber(measured[entry])}`).join(', ') + (claim.unit === '%' ? ' (%)' : ` (${claim.unit})`);
}

export function gapText(claim: JudgedClaim, gap: number | null): string {
  return gap === null ? '—' : withUnit(formatSigned(gap), differenceUnit(claim.unit));
}

export function toleranceText(claim: JudgedClaim): string {
  return `${claim.kind === 'value' ? '±' : ''}${withUnit(formatNumber(claim.tolerance), differenceUnit(claim.unit))}`;
}

/** A plain-text table with a header rule; cells are not wrapped. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
