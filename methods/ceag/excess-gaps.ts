/**
 * The constrained excess accuracy gaps of Balancing Act (Hashemizadeh et al. 2024): for group g,
 * ψ_g = (A_dense(g) − A_sparse(g)) − (A_dense − A_sparse), constrained to ψ_g ≤ ε. Pure functions
 * on plain arrays (the measured gaps and the dual step) and on tensors (the surrogate), so the
 * golden test can check each by hand.
 */
import type * as tfcore from '@tensorflow/tfjs-core';

/** The dense model's accuracies, measured once before pruning: overall and per group id. */
export interface DenseAccuracies {
  overall: number;
  byGroup: Map<number, number>;
}

export type Surrogate = 'negative-loss' | 'probability';
export const surrogates: readonly Surrogate[] = ['negative-loss', 'probability'];

/** Accuracy overall and per group of predictions against labels. */
export function accuracies(predicted: ArrayLike<number>, labels: ArrayLike<number>, groups: ArrayLike<number>): DenseAccuracies {
  const tally = new Map<number, { count: number; correct: number }>();
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    const hit = predicted[i] === labels[i] ? 1 : 0;
    correct += hit;
    const entry = tally.get(groups[i]) ?? { count: 0, correct: 0 };
    entry.count++;
    entry.correct += hit;
    tally.set(groups[i], entry);
  }
  const byGroup = new Map([...tally].map(([g, t]) => [g, t.correct / t.count] as [number, number]));
  return { overall: correct / labels.length, byGroup };
}

/**
 * The measured gaps ψ_g of the sparse network on one batch, for the groups the batch holds that
 * the dense measurement knows (a group absent from either has no gap and keeps its multiplier).
 */
export function measuredGaps(sparse: DenseAccuracies, dense: DenseAccuracies): Map<number, number> {
  const gaps = new Map<number, number>();
  for (const [group, sparseAccuracy] of sparse.byGroup) {
    const denseAccuracy = dense.byGroup.get(group);
    if (denseAccuracy === undefined) continue;
    gaps.set(group, denseAccuracy - sparseAccuracy - (dense.overall - sparse.overall));
  }
  return gaps;
}

/** Projected gradient ascent on the multipliers: λ_g ← max(0, λ_g + η (ψ_g − ε)). */
export function dualStep(multipliers: Map<number, number>, gaps: Map<number, number>, tolerance: number, stepSize: number): void {
  for (const [group, gap] of gaps) multipliers.set(group, Math.max(0, (multipliers.get(group) ?? 0) + stepSize * (gap - tolerance)));
}

/**
 * Per-sample smooth stand-in for "classified correctly": −CE (negative-loss) or the softmax
 * probability of the true class (probability). Shape [b].
 */
function sampleSurrogate(tf: typeof tfcore, logits: tfcore.Tensor2D, targets: tfcore.Tensor2D, surrogate: Surrogate): tfcore.Tensor1D {
  const logProbs = tf.logSoftmax(logits);
  const trueLogProb = tf.sum(tf.mul(targets, logProbs), 1) as tfcore.Tensor1D;
  return surrogate === 'negative-loss' ? trueLogProb : (tf.exp(trueLogProb) as tfcore.Tensor1D);
}

/**
 * The surrogate gap ψ̃_g of each listed group on a batch: (A_dense(g) − A_dense) − (S(g) − S),
 * S the batch mean of the sample surrogate, S(g) its mean over the group's rows. The dense part is
 * a constant (the measured accuracies); only the sparse part carries gradients. Groups with no row
 * in the batch are left out.
 */
export function surrogateGaps(
  tf: typeof tfcore,
  logits: tfcore.Tensor2D,
  targets: tfcore.Tensor2D,
  groups: ArrayLike<number>,
  dense: DenseAccuracies,
  surrogate: Surrogate,
): Map<number, tfcore.Scalar> {
  const perSample = sampleSurrogate(tf, logits, targets, surrogate);
  const overall = tf.mean(perSample);
  const out = new Map<number, tfcore.Scalar>();
  for (const [group, denseAccuracy] of dense.byGroup) {
    const indicator = Float32Array.from({ length: groups.length }, (_, i) => (groups[i] === group ? 1 : 0));
    const members = indicator.reduce((s, v) => s + v, 0);
    if (members === 0) continue;
    const groupMean = tf.div(tf.sum(tf.mul(perSample, tf.tensor1d(indicator))), members);
    out.set(group, tf.sub(denseAccuracy - dense.overall, tf.sub(groupMean, overall)) as tfcore.Scalar);
  }
  return out;
}
