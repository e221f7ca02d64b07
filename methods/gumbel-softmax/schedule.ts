/**
 * Exponential annealing of the Gumbel-softmax temperature over the search: τ(p) = τ₀·(τ_end/τ₀)^p
 * at progress p ∈ [0, 1] (the share of steps done before the step), so the first step runs at τ₀
 * and the temperature falls by the same factor every step.
 */
export function temperatureAt(progress: number, initial: number, final: number): number {
  const p = Math.min(Math.max(progress, 0), 1);
  return initial * Math.pow(final / initial, p);
}

/** Logit of the keep probability d, clamped away from 0 and 1: log(d / (1 − d)). */
export function keepLogit(density: number): number {
  const d = Math.min(Math.max(density, 1e-6), 1 - 1e-6);
  return Math.log(d / (1 - d));
}

/** Logistic noise log u − log(1 − u) from uniforms u, clamped inside (0, 1) so it stays finite. */
export function logisticNoise(uniforms: Float32Array): Float32Array {
  return uniforms.map((u) => {
    const v = Math.min(Math.max(u, 1e-7), 1 - 1e-7);
    return Math.log(v) - Math.log(1 - v);
  });
}
