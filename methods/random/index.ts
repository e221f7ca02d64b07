import type { PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';

/** Float32 holds every integer up to 2^24 exactly, so ranks below it stay distinct scores. */
const LARGEST_EXACT_RANK = 2 ** 24;

/**
 * Uniform random pruning, ranked globally: every prunable weight gets a distinct random rank
 * (a uniformly random permutation of 0..N−1), so the harness's global top-k keeps a uniformly
 * random subset of exactly keepCount weights. Ranks are the order statistics of i.i.d.
 * Uniform(0,1) scores without the float32 ties such scores would have.
 */
export function prune(ctx: PruneContext): PruneResult {
  const names = ctx.network.prunableNames;
  const sizes = names.map((name) => ctx.network.parameters.find((p) => p.name === name)!.shape.reduce((a, b) => a * b, 1));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > LARGEST_EXACT_RANK)
    throw new Error(`random: ${total} prunable weights exceed the ${LARGEST_EXACT_RANK} distinct ranks float32 scores can hold`);
  const ranks = ctx.rng.fork('ranks').permutation(total);
  const scores: WeightMap = {};
  let offset = 0;
  names.forEach((name, i) => {
    scores[name] = Float32Array.from(ranks.subarray(offset, offset + sizes[i]));
    offset += sizes[i];
  });
  return { scores };
}
