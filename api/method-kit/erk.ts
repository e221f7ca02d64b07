import type { MaskMap, PruneContext } from '../method-api.ts';

/**
 * Weights to keep in each layer under Erdős–Rényi-Kernel densities (Evci et al. 2020): layer l's
 * density is ε·(Σ of its shape's dimensions)/(product of its dimensions), i.e.
 * (n_in + n_out)/(n_in·n_out) for a dense kernel and (k_h + k_w + c_in + c_out)/(k_h·k_w·c_in·c_out)
 * for a conv kernel. ε is solved so the kept weights total `keepCount`; a layer whose density
 * would exceed 1 is made dense and ε is solved again for the rest, as RigL's reference code does.
 *
 * Every quantity is an integer ratio (density·size = Σ dims), so the solve and the rounding to
 * whole weights are exact: per-layer counts are floored and the remaining weights go to the
 * layers with the largest fractional parts (ties to the earlier layer).
 */
export function erkKeepCounts(shapes: readonly (readonly number[])[], keepCount: number): number[] {
  const sizes = shapes.map((shape) => shape.reduce((a, b) => a * b, 1));
  const dimensionSums = shapes.map((shape) => shape.reduce((a, b) => a + b, 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (!Number.isInteger(keepCount) || keepCount < 0 || keepCount > total)
    throw new Error(`erk: cannot keep ${keepCount} of ${total} weights`);

  const dense = new Set<number>();
  let remainingKeep = keepCount;
  let divisor = 0;
  for (;;) {
    remainingKeep = keepCount - [...dense].reduce((sum, l) => sum + sizes[l], 0);
    const scaled = sizes.map((_, l) => l).filter((l) => !dense.has(l));
    divisor = scaled.reduce((sum, l) => sum + dimensionSums[l], 0);
    if (scaled.length === 0) break;
    // Layer l's density is remainingKeep·raw_l/divisor with raw_l = dimensionSums_l/size_l; compare cross-multiplied.
    const overfull = scaled.filter((l) => remainingKeep * dimensionSums[l] > divisor * sizes[l]);
    if (overfull.length === 0) break;
    // RigL caps the layers of the highest raw density first, then re-solves.
    const highest = overfull.reduce((best, l) => (dimensionSums[l] * sizes[best] > dimensionSums[best] * sizes[l] ? l : best));
    for (const l of scaled) if (dimensionSums[l] * sizes[highest] === dimensionSums[highest] * sizes[l]) dense.add(l);
  }

  const counts = sizes.map((size, l) => (dense.has(l) ? size : Math.floor((remainingKeep * dimensionSums[l]) / divisor)));
  const remainders = sizes.map((_, l) => (dense.has(l) ? -1 : (remainingKeep * dimensionSums[l]) % divisor));
  let missing = keepCount - counts.reduce((a, b) => a + b, 0);
  const byRemainder = sizes
    .map((_, l) => l)
    .filter((l) => !dense.has(l))
    .sort((a, b) => remainders[b] - remainders[a] || a - b);
  for (const l of byRemainder) {
    if (missing === 0) break;
    if (remainders[l] > 0 && counts[l] < sizes[l]) {
      counts[l]++;
      missing--;
    }
  }
  if (missing !== 0) throw new Error(`erk: could not place ${missing} of ${keepCount} weights (internal error)`);
  return counts;
}

/** Random masks with ERK layer densities: each layer keeps a uniformly random subset of its ERK count (fork `subset:<name>`). */
export function erkRandomMasks(ctx: Pick<PruneContext, 'network' | 'target' | 'rng'>): MaskMap {
  const names = ctx.network.prunableNames;
  const shapes = names.map((name) => ctx.network.parameters.find((p) => p.name === name)!.shape);
  const counts = erkKeepCounts(shapes, ctx.target.keepCount);
  const masks: MaskMap = {};
  names.forEach((name, l) => {
    const size = shapes[l].reduce((a, b) => a * b, 1);
    const order = ctx.rng.fork(`subset:${name}`).permutation(size);
    const mask = new Float32Array(size);
    for (let j = 0; j < counts[l]; j++) mask[order[j]] = 1;
    masks[name] = mask;
  });
  return masks;
}
