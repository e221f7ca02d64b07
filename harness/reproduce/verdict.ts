/**
 * Verdicts on paper claims. `judge` is the rule (from the reported value, the measured value and the
 * tolerance); `evaluateClaim` runs a claim's measure on aggregated results and judges it.
 *
 * - value: gap = measured − reported; reproduced when |gap| ≤ tolerance.
 * - threshold: gap = measured − bound; reproduced when gap ≤ tolerance ('at-most') or
 *   gap ≥ −tolerance ('at-least').
 * - ordering: gap = the smallest margin value(a) − value(b) over every a in an earlier tier and b in
 *   a later one; reproduced when gap ≥ −tolerance.
 * - not run: some number the claim needs has no ok result; no gap is computed.
 */
import type { Aggregate } from '../aggregate/aggregate.ts';
import type { Claim, OrderingClaim } from '../../api/paper-api.ts';
import { AggregateResultLookup, type UsedQuantity } from './lookup.ts';
import { differenceUnit, formatNumber, formatSigned, withUnit } from './format.ts';

export type Verdict = 'reproduced' | 'not reproduced' | 'not run';

export type Measured = number | Record<string, number>;

export interface Judgement {
  gap: number;
  verdict: Exclude<Verdict, 'not run'>;
  explanation: string;
}

export interface ClaimOutcome {
  claim: Claim;
  /** Null when the claim was not run. */
  measured: Measured | null;
  gap: number | null;
  verdict: Verdict;
  explanation: string;
  used: UsedQuantity[];
  missing: string[];
}

/** Float noise must not flip a verdict that sits exactly on the tolerance. */
const EPSILON = 1e-9;

type WithoutMeasure<T> = T extends unknown ? Omit<T, 'measure'> : never;

/** What the verdict rule needs of a claim: everything but its measure (a stored record has no code). */
export type JudgedClaim = WithoutMeasure<Claim>;

export function judge(claim: JudgedClaim, measured: Measured): Judgement {
  const tolerance = claim.tolerance;
  const u = (x: number) => withUnit(formatNumber(x), claim.unit);
  const d = (x: number) => withUnit(formatNumber(x), differenceUnit(claim.unit));
  const signed = (x: number) => withUnit(formatSigned(x), differenceUnit(claim.unit));
  switch (claim.kind) {
    case 'value': {
      const value = expectNumber(claim, measured);
      const gap = value - claim.reported.value;
      const ok = Math.abs(gap) <= tolerance + EPSILON;
      return {
        gap,
        verdict: ok ? 'reproduced' : 'not reproduced',
        explanation: ok
          ? `measured ${u(value)} is within ±${d(tolerance)} of the reported ${u(claim.reported.value)}`
          : `measured ${u(value)} misses the reported ${u(claim.reported.value)} by ${signed(gap)}, beyond the tolerance of ±${d(tolerance)}`,
      };
    }
    case 'threshold': {
      const value = expectNumber(claim, measured);
      const { bound, direction } = claim.reported;
      const gap = value - bound;
      const ok = direction === 'at-most' ? gap <= tolerance + EPSILON : gap >= -tolerance - EPSILON;
      const sign = direction === 'at-most' ? '≤' : '≥';
      const allowed = direction === 'at-most' ? bound + tolerance : bound - tolerance;
      return {
        gap,
        verdict: ok ? 'reproduced' : 'not reproduced',
        explanation: ok
          ? `measured ${u(value)} ${sign} ${u(allowed)} (bound ${u(bound)}, tolerance ${d(tolerance)})`
          : `measured ${u(value)} is on the wrong side of the bound ${u(bound)} by ${d(Math.abs(gap))}, beyond the tolerance of ${d(tolerance)}`,
      };
    }
    case 'ordering': {
      const values = expectValues(claim, measured);
      const worst = smallestMargin(claim, values);
      const ok = worst.margin >= -tolerance - EPSILON;
      const pair = `${worst.better} − ${worst.worse} = ${signed(worst.margin)}`;
      return {
        gap: worst.margin,
        verdict: ok ? 'reproduced' : 'not reproduced',
        explanation: ok
          ? `the order holds; smallest margin ${pair} (tolerance ${d(tolerance)})`
          : `the order is broken: ${pair}, beyond the tolerance of ${d(tolerance)}`,
      };
    }
  }
}

function smallestMargin(
  claim: WithoutMeasure<OrderingClaim>,
  values: Record<string, number>,
): { better: string; worse: string; margin: number } {
  const tiers = claim.reported.order;
  let worst: { better: string; worse: string; margin: number } | null = null;
  for (let i = 0; i < tiers.length; i++) {
    for (let j = i + 1; j < tiers.length; j++) {
      for (const better of tiers[i]) {
        for (const worse of tiers[j]) {
          const margin = values[better] - values[worse];
          if (!worst || margin < worst.margin) worst = { better, worse, margin };
        }
      }
    }
  }
  if (!worst) throw new Error(`ordering claim '${claim.id}' needs at least two tiers`);
  return worst;
}

function expectNumber(claim: JudgedClaim, measured: Measured): number {
  if (typeof measured !== 'number' || Number.isNaN(measured))
    throw new Error(`claim '${claim.id}': measure must give a number, got ${JSON.stringify(measured)}`);
  return measured;
}

function expectValues(claim: WithoutMeasure<OrderingClaim>, measured: Measured): Record<string, number> {
  if (typeof measured !== 'object')
    throw new Error(`ordering claim '${claim.id}': measure must give a value per entry, got ${JSON.stringify(measured)}`);
  for (const entry of claim.reported.order.flat()) {
    if (typeof measured[entry] !== 'number' || Number.isNaN(measured[entry]))
      throw new Error(`ordering claim '${claim.id}': no measured value for '${entry}'`);
  }
  return measured;
}

/** Measures a claim on aggregated results and judges it; 'not run' when a number it needs is missing. */
export function evaluateClaim(claim: Claim, aggregate: Aggregate): ClaimOutcome {
  const lookup = new AggregateResultLookup(aggregate);
  const measured: Measured = claim.measure(lookup);
  const missing = [...new Set(lookup.missing)];
  if (missing.length) {
    return {
      claim,
      measured: null,
      gap: null,
      verdict: 'not run',
      explanation: `${missing.length} result${missing.length === 1 ? '' : 's'} missing: ${missing.join('; ')}`,
      used: lookup.used,
      missing,
    };
  }
  const judgement = judge(claim, measured);
  return {
    claim,
    measured,
    gap: judgement.gap,
    verdict: judgement.verdict,
    explanation: judgement.explanation,
    used: lookup.used,
    missing,
  };
}
