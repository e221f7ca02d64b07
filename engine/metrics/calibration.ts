import { brierScore, checkClassificationInputs, negativeLogLikelihood, predictedClasses } from './classification.ts';
import { requirePositiveInteger } from './argument-checks.ts';

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean top-class probability of the bin's samples; null when the bin is empty. */
  confidence: number | null;
  /** Fraction of the bin's samples predicted correctly; null when the bin is empty. */
  accuracy: number | null;
}

export interface Calibration {
  ece: number;
  mce: number;
  nll: number;
  brier: number;
  bins: CalibrationBin[];
}

/**
 * Reliability of the top-class probability (Guo et al. 2017) with `bins` equal-width bins over [0, 1].
 *
 * Bin i covers (i/B, (i+1)/B], as in the reference implementation's `conf > lower && conf <= upper`,
 * except that bin 0 is closed at 0 so that a confidence of exactly 0 is counted rather than dropped.
 * A confidence of exactly 1 falls in the last bin. Boundaries are compared against the stored float32
 * confidence as a double, so float32(0.6) = 0.6000000238… lies above the boundary 9/15 = 0.6.
 * The top class is the argmax with ties to the lowest index, as in `predictedClasses`.
 *
 * ECE = Σ_b (n_b / n)·|acc_b − conf_b|; MCE = max of |acc_b − conf_b| over non-empty bins.
 */
export function calibration(probs: Float32Array, labels: Int32Array, k: number, bins = 15): Calibration {
  const n = checkClassificationInputs('calibration', probs, labels, k);
  requirePositiveInteger('calibration', 'bins', bins);
  const lowers = Array.from({ length: bins }, (_, b) => b / bins);
  const uppers = Array.from({ length: bins }, (_, b) => (b + 1) / bins);
  const counts = new Array<number>(bins).fill(0);
  const confidenceSums = new Array<number>(bins).fill(0);
  const correctCounts = new Array<number>(bins).fill(0);

  const predicted = predictedClasses(probs, k);
  for (let i = 0; i < n; i++) {
    const confidence = probs[i * k + predicted[i]];
    const b = binOf(confidence, uppers);
    counts[b]++;
    confidenceSums[b] += confidence;
    if (predicted[i] === labels[i]) correctCounts[b]++;
  }

  let ece = 0;
  let mce = 0;
  const binList: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (counts[b] === 0) {
      binList.push({ lower: lowers[b], upper: uppers[b], count: 0, confidence: null, accuracy: null });
      continue;
    }
    const confidence = confidenceSums[b] / counts[b];
    const binAccuracy = correctCounts[b] / counts[b];
    const gap = Math.abs(binAccuracy - confidence);
    ece += (counts[b] / n) * gap;
    mce = Math.max(mce, gap);
    binList.push({ lower: lowers[b], upper: uppers[b], count: counts[b], confidence, accuracy: binAccuracy });
  }
  return { ece, mce, nll: negativeLogLikelihood(probs, labels, k), brier: brierScore(probs, labels, k), bins: binList };
}

/** Index of the first bin whose upper edge is ≥ `confidence`, judged by the very edges that are reported; the last bin takes the rest. */
function binOf(confidence: number, uppers: number[]): number {
  let b = 0;
  while (b < uppers.length - 1 && confidence > uppers[b]) b++;
  return b;
}
