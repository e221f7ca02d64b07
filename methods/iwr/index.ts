import type { PruneContext, PruneResult, StepInfo, TrainingRecipe, WeightMap } from '../../api/method-api.ts';
import { kaimingUniformScores, searchScores } from '../../api/method-kit/score-search.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';
import { recycleCount, recycleLayer, recyclesAfter } from './recycle.ts';

export interface RecyclingSearch {
  /** Overrides of the task recipe for the score optimiser. */
  recipe: Partial<TrainingRecipe>;
  epochs: number;
  steps?: number;
  /** L2 penalty wd/2·‖s‖² on the scores. */
  weightDecay: number;
  /** Fraction of each layer recycled at each recycling step. */
  rate: number;
  /** Whether to recycle after this step. */
  recycleAfter: (info: StepInfo) => boolean;
}

export interface SearchResult {
  /** Final signed scores. */
  scores: WeightMap;
  /** Each prunable layer's weights after the last recycling step. */
  weights: WeightMap;
  /** Recycling steps done. */
  recyclings: number;
}

export { kaimingUniformScores };

/**
 * IWR (Gorbett & Whitley 2023): edge-popup's score search on the frozen random weights, where at
 * every epoch boundary of the first `recycleUntil` of the search each layer's ⌊rate·n⌋
 * lowest-|score| weights take the values of its ⌊rate·n⌋ highest-|score| ones. The scores are not
 * reset. Returns |s| with the recycled weights, which the harness checks are the layer's own
 * initial values and evaluates under the top-k mask.
 */
export function prune(ctx: PruneContext): PruneResult {
  const result = searchWithRecycling(ctx, kaimingUniformScores(ctx), readSettings(ctx));
  return {
    scores: Object.fromEntries(Object.entries(result.scores).map(([name, s]) => [name, s.map(Math.abs)])),
    recycledWeights: result.weights,
  };
}

/** Edge-popup's score search with the harness's loop; the weights change only by recycling, between steps. */
export function searchWithRecycling(ctx: PruneContext, initialScores: WeightMap, search: RecyclingSearch): SearchResult {
  let recyclings = 0;
  const result = searchScores(ctx, initialScores, {
    ...search,
    afterStep: (info, scores, weights) => {
      if (!search.recycleAfter(info)) return;
      recyclings++;
      const magnitudes = scores();
      return Object.fromEntries(
        Object.entries(weights).map(([name, values]) => [
          name,
          recycleLayer(values, magnitudes[name].map(Math.abs), recycleCount(values.length, search.rate)),
        ]),
      );
    },
  });
  return { ...result, recyclings };
}

function readSettings(ctx: PruneContext): RecyclingSearch {
  const h = hyperparameters(ctx);
  const optimizer = h.choice('optimizer', ['sgd', 'momentum', 'adam'] as const);
  const epochs = h.epochs('epochs');
  const until = h.number('recycleUntil');
  return {
    recipe: { optimizer, learningRate: h.number('learningRate'), momentum: h.number('momentum'), schedule: { kind: 'cosine' } },
    epochs,
    weightDecay: h.number('weightDecay'),
    rate: h.number('recycleRate'),
    recycleAfter: (info) => recyclesAfter(info.step, info.totalSteps, epochs, until),
  };
}
