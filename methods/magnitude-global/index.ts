import type { PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';

/** Scores are the weights' magnitudes |θ|; the manifest's scope decides global or per-layer ranking. */
export function prune(ctx: PruneContext): PruneResult {
  const weights = ctx.network.getWeights([...ctx.network.prunableNames]);
  const scores: WeightMap = {};
  for (const [name, values] of Object.entries(weights)) scores[name] = values.map(Math.abs);
  return { scores };
}
