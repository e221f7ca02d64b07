// biome-ignore-all lint/correctness/noPrecisionLoss: the published AS241 coefficients (Wichura 1988) are kept digit for digit as printed.
/**
 * Small-sample statistics for aggregating runs over seeds: mean, sample standard deviation
 * and the Student-t confidence interval of the mean.
 */

export interface Interval {
  low: number;
  high: number;
}

/** A mean over n values with its 95% Student-t interval; the interval is null when n < 2. */
export interface Estimate {
  n: number;
  mean: number;
  /** Sample standard deviation (n − 1 denominator); null when n < 2. */
  std: number | null;
  interval: Interval | null;
}

export const CONFIDENCE_LEVEL = 0.95;

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new Error('mean of no values');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation with Bessel's correction; null for fewer than two values. */
export function sampleStd(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return Math.sqrt(squares / (values.length - 1));
}

/** The two-sided Student-t confidence interval of the mean; null for fewer than two values. */
export function tInterval(values: readonly number[], level = CONFIDENCE_LEVEL): Interval | null {
  const std = sampleStd(values);
  if (std === null) return null;
  const m = mean(values);
  const half = studentTQuantile(1 - (1 - level) / 2, values.length - 1) * (std / Math.sqrt(values.length));
  return { low: m - half, high: m + half };
}

/** Mean, std and 95% interval of the non-null, finite values; null when there are none. */
export function estimate(values: ReadonlyArray<number | null | undefined>): Estimate | null {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return null;
  return { n: finite.length, mean: mean(finite), std: sampleStd(finite), interval: tInterval(finite) };
}

export function halfWidth(e: Estimate | null): number | null {
  return e?.interval ? (e.interval.high - e.interval.low) / 2 : null;
}

/** Closed intervals overlap when neither lies wholly above the other. */
export function intervalsOverlap(a: Interval, b: Interval): boolean {
  return a.low <= b.high && b.low <= a.high;
}

/**
 * Which entries of a list sorted best first are tied with its first (the leader): the unbroken run
 * from the second entry on whose intervals overlap the leader's. The run stops at the first entry
 * that does not overlap or has no interval (a single seed), so no entry below a separated one is
 * tied and ranks never decrease down the list. The leader's own entry is false.
 */
export function tiedWithLeader(intervals: readonly (Interval | null)[]): boolean[] {
  const leader = intervals[0] ?? null;
  let unbroken = leader !== null;
  return intervals.map((interval, i) => {
    if (i === 0) return false;
    unbroken = unbroken && interval !== null && intervalsOverlap(leader!, interval);
    return unbroken;
  });
}

// ---------------------------------------------------------------------------
// Student-t quantile via the regularized incomplete beta function.

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < 9; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const maxIterations = 100_000;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= maxIterations; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) return h;
  }
  throw new Error(`incomplete beta did not converge (a=${a}, b=${b}, x=${x})`);
}

/** Regularized incomplete beta I_x(a, b). */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  // The continued fraction converges fast only on one side of the mean; use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T ≤ t) for Student's t with df degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  if (!(df > 0)) throw new Error(`degrees of freedom must be positive, got ${df}`);
  const tail = 0.5 * regularizedIncompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Standard normal quantile (Wichura, AS 241, PPND16; relative error ~1e-16). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`probability must be in (0, 1), got ${p}`);
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q *
        (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r + 45921.953931549871457) * r +
          13731.693765509461125) *
          r +
          1971.5909503065514427) *
          r +
          133.14166789178437745) *
          r +
          3.387132872796366608)) /
      (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r + 21213.794301586595867) * r +
        5394.1960214247511077) *
        r +
        687.1870074920579083) *
        r +
        42.313330701600911252) *
        r +
        1)
    );
  }
  let r = q < 0 ? p : 1 - p;
  r = Math.sqrt(-Math.log(r));
  let value: number;
  if (r <= 5) {
    r -= 1.6;
    value =
      (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r + 1.27045825245236838258) * r +
        3.64784832476320460504) *
        r +
        5.7694972214606914055) *
        r +
        4.6303378461565452959) *
        r +
        1.42343711074968357734) /
      (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r + 0.14810397642748007459) * r +
        0.68976733498510000455) *
        r +
        1.6763848301838038494) *
        r +
        2.05319162663775882187) *
        r +
        1);
  } else {
    r -= 5;
    value =
      (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r + 0.026532189526576123093) * r +
        0.29656057182850489123) *
        r +
        1.7848265399172913358) *
        r +
        5.4637849111641143699) *
        r +
        6.6579046435011037772) /
      (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r +
        0.0148753612908506148525) *
        r +
        0.13692988092273580531) *
        r +
        0.59983220655588793769) *
        r +
        1);
  }
  return q < 0 ? -value : value;
}

const quantileCache = new Map<string, number>();

/**
 * The p-quantile of Student's t with df degrees of freedom (df > 0, not necessarily an integer):
 * closed forms for df 1 and 2, otherwise bisection on the CDF, which is monotone, so it cannot
 * wander off the way Newton steps can in the heavy tails of small df.
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`probability must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new Error(`degrees of freedom must be positive, got ${df}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  if (df === 1) return Math.tan(Math.PI * (p - 0.5));
  if (df === 2) {
    const a = 4 * p * (1 - p);
    return 2 * (p - 0.5) * Math.sqrt(2 / a);
  }
  // Beyond this the t and normal quantiles agree to ~1e-9 and the continued fraction gets slow.
  if (df > 1e8) return normalQuantile(p);
  const key = `${p}|${df}`;
  const cached = quantileCache.get(key);
  if (cached !== undefined) return cached;
  let low = 0;
  let high = Math.max(1, normalQuantile(p));
  while (studentTCdf(high, df) < p) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-14 * high; i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  const result = (low + high) / 2;
  quantileCache.set(key, result);
  return result;
}
