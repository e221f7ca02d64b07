import { requireFinite, requireLabelsInRange, requireLength, requireProbabilities, rowCount } from './argument-checks.ts';

/** Probabilities below this are raised to it before the log, so one confidently wrong sample costs at most −ln(1e-12) ≈ 27.63. */
export const PROBABILITY_FLOOR = 1e-12;

/** Per-sample argmax of n × k probabilities; ties go to the lowest class index. */
export function predictedClasses(probs: Float32Array, k: number): Int32Array {
  const n = rowCount('predictedClasses', 'probs', probs, k, 'k');
  requireFinite('predictedClasses', 'probs', probs);
  const predicted = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * k;
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[row + c] > probs[row + best]) best = c;
    predicted[i] = best;
  }
  return predicted;
}

/** Fraction of samples whose predicted class equals the label. */
export function accuracy(predicted: Int32Array, labels: Int32Array): number {
  if (labels.length === 0) throw new Error('accuracy: labels is empty; a metric needs at least one sample');
  requireLength('accuracy', 'predicted', predicted, labels.length, 'one prediction per label');
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/** Mean over samples of −ln p_y, with p_y clamped below at PROBABILITY_FLOOR (1e-12). */
export function negativeLogLikelihood(probs: Float32Array, labels: Int32Array, k: number): number {
  const n = checkClassificationInputs('negativeLogLikelihood', probs, labels, k);
  let total = 0;
  for (let i = 0; i < n; i++) total -= Math.log(Math.max(probs[i * k + labels[i]], PROBABILITY_FLOOR));
  return total / n;
}

/** Multi-class Brier score: mean over samples of Σ_c (p_c − 1[c = y])². Lies in [0, 2]. */
export function brierScore(probs: Float32Array, labels: Int32Array, k: number): number {
  const n = checkClassificationInputs('brierScore', probs, labels, k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      const diff = probs[i * k + c] - (c === labels[i] ? 1 : 0);
      total += diff * diff;
    }
  }
  return total / n;
}

/** Validates n × k probabilities against n labels in 0..k−1 and returns n. */
export function checkClassificationInputs(fn: string, probs: Float32Array, labels: Int32Array, k: number): number {
  const n = rowCount(fn, 'probs', probs, k, 'k');
  requireLength(fn, 'labels', labels, n, `one per row of probs: ${probs.length} values / k = ${k}`);
  requireLabelsInRange(fn, labels, k);
  requireProbabilities(fn, probs);
  return n;
}
