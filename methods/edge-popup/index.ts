import type { PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { kaimingUniformScores, searchScores, type ScoreSearch } from '../../api/method-kit/score-search.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';

export { kaimingUniformScores };

/**
 * edge-popup (Ramanujan et al. 2020): the weights stay at their initial values; a score per
 * weight is trained instead (the method kit's score search). Returns |s|: the harness keeps each layer's top n − round(s·n), the subnetwork the scores chose.
 */
export function prune(ctx: PruneContext): PruneResult {
  const scores = trainScores(ctx, kaimingUniformScores(ctx), readSettings(ctx));
  return { scores: Object.fromEntries(Object.entries(scores).map(([name, s]) => [name, s.map(Math.abs)])) };
}

/** Optimises the scores with the harness's loop on frozen weights; returns the final (signed) scores. */
export function trainScores(ctx: PruneContext, initialScores: WeightMap, training: ScoreSearch): WeightMap {
  return searchScores(ctx, initialScores, training).scores;
}

function readSettings(ctx: PruneContext): ScoreSearch {
  const h = hyperparameters(ctx);
  const optimizer = h.choice('optimizer', ['sgd', 'momentum', 'adam'] as const);
  return {
    recipe: { optimizer, learningRate: h.number('learningRate'), momentum: h.number('momentum'), schedule: { kind: 'cosine' } },
    epochs: h.epochs('epochs'),
    weightDecay: h.number('weightDecay'),
  };
}
