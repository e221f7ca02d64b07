/**
 * One weight-recycling step on a layer (Gorbett & Whitley 2023): the `count` lowest-scored
 * weights take the values of the `count` highest-scored ones. Both groups are taken from one
 * ascending sort of the scores (ties by index), and paired in that order: the i-th lowest gets the
 * value at ascending position n − count + i, so the lowest score receives the count-th highest's
 * value and the count-th lowest receives the highest's. Every returned value is one of `weights`.
 */
export function recycleLayer(weights: Float32Array, scores: ArrayLike<number>, count: number): Float32Array {
  const n = weights.length;
  if (scores.length !== n) throw new Error(`recycleLayer: ${scores.length} scores for ${n} weights`);
  if (!Number.isInteger(count) || count < 0 || 2 * count > n)
    throw new Error(`recycleLayer: cannot recycle ${count} of ${n} weights (at most half)`);
  const ascending = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b] || a - b);
  const out = Float32Array.from(weights);
  for (let i = 0; i < count; i++) out[ascending[i]] = weights[ascending[n - count + i]];
  return out;
}

/** Weights recycled per layer: ⌊rate · n⌋, capped at half the layer so the two groups never overlap. */
export function recycleCount(size: number, rate: number): number {
  return Math.min(Math.floor(rate * size), Math.floor(size / 2));
}

/**
 * Whether to recycle after `step` of `totalSteps` over `epochs` epochs: at every epoch boundary
 * (step · epochs a multiple of totalSteps) up to `until` of the run, never after the last step
 * (the scores could not react to it any more).
 */
export function recyclesAfter(step: number, totalSteps: number, epochs: number, until: number): boolean {
  if (step >= totalSteps) return false;
  if ((step * epochs) % totalSteps !== 0) return false;
  return step / totalSteps <= until + 1e-12;
}
