import type { PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';

/** Float32 holds every integer up to 2^24 exactly, so ranks below it stay distinct scores. */
const LARGEST_EXACT_RANK = 2 ** 24;

/**
 * Uniform random pruning with every layer at the target density: each layer's weights get a
 * distinct random rank (a uniformly random permutation of 0..n−1, i.e. the order of i.i.d.
 * Uniform(0,1) scores without float32 ties) and the harness keeps n − round(s·n) per layer.
 */
export function prune(ctx: PruneContext): PruneResult {
  const scores: WeightMap = {};
  for (const name of ctx.network.prunableNames) {
    const size = ctx.network.parameters.find((p) => p.name === name)!.shape.reduce((a, b) => a * b, 1);
    if (size > LARGEST_EXACT_RANK)
      throw new Error(
        `random-layerwise: '${name}' has ${size} weights, more than the ${LARGEST_EXACT_RANK} distinct ranks float32 scores can hold`,
      );
    scores[name] = Float32Array.from(ctx.rng.fork(`ranks:${name}`).permutation(size));
  }
  return { scores };
}
