import type { PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';

/**
 * LAMP score of one layer (Lee et al. 2021): with the layer's weights sorted by w² ascending,
 * score(u) = w_u² / Σ_{v ≥ u} w_v². Weights of equal magnitude get equal scores (the sum starts at
 * the first of them), so ties are left to the harness's tie rule instead of to sort order.
 */
export function lampScores(weights: Float32Array): Float32Array {
  const squares = Float64Array.from(weights, (w) => w * w);
  const ascending = Int32Array.from({ length: squares.length }, (_, i) => i).sort((a, b) => squares[a] - squares[b] || a - b);
  // Summed from the largest down, so no sum is formed by cancellation.
  const sumFrom = new Float64Array(ascending.length + 1);
  for (let j = ascending.length - 1; j >= 0; j--) sumFrom[j] = sumFrom[j + 1] + squares[ascending[j]];
  const scores = new Float32Array(squares.length);
  for (let start = 0; start < ascending.length; ) {
    const value = squares[ascending[start]];
    let end = start;
    while (end < ascending.length && squares[ascending[end]] === value) end++;
    for (let j = start; j < end; j++) scores[ascending[j]] = sumFrom[start] > 0 ? value / sumFrom[start] : 0;
    start = end;
  }
  return scores;
}

/** LAMP scores per layer, ranked globally by the harness (one threshold across layers). */
export function prune(ctx: PruneContext): PruneResult {
  const weights = ctx.network.getWeights([...ctx.network.prunableNames]);
  const scores: WeightMap = {};
  for (const [name, values] of Object.entries(weights)) scores[name] = lampScores(values);
  return { scores };
}
