/**
 * The rescaling of Hayou et al. (2021) for one kernel: each output unit's kept weights are
 * multiplied by ρ = sqrt(Σ_j w_j² / Σ_j m_j w_j²) over the unit's incoming weights j, so the kept
 * weights' sum of squares, and with it the unit's pre-activation variance at initialisation, is
 * what it was before pruning. Weight i of a kernel ([fan-in…, units], output units last) belongs
 * to unit i mod units. A unit that keeps no weight (or had none non-zero) gets 1.
 */
export function varianceRestoringFactors(weights: Float32Array, mask: Float32Array, units: number): Float32Array {
  const before = new Float64Array(units);
  const kept = new Float64Array(units);
  for (let i = 0; i < weights.length; i++) {
    const square = weights[i] * weights[i];
    before[i % units] += square;
    if (mask[i] === 1) kept[i % units] += square;
  }
  return Float32Array.from(before, (total, unit) => (kept[unit] > 0 ? Math.sqrt(total / kept[unit]) : 1));
}
