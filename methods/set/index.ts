import type { PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import {
  denseGradientsAt,
  trainWithDropGrow,
  withGradient,
  type DropGrowSettings,
  type GrowthRanking,
} from '../../api/method-kit/drop-grow.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';

/**
 * SET (Mocanu et al. 2018): sparse training from an ERK random mask; every ΔT steps each layer
 * drops the ⌊ζ_t·active⌋ active weights of smallest magnitude and regrows as many at uniformly
 * random inactive positions, at 0. ζ_t decays by a cosine to 0 at the end of the updates. With
 * `growTrainableOnly`, growth draws only among positions with a gradient (the harness counts a weight
 * left at exactly 0 as pruned); dropped weights are kept back when there are too few.
 */
export function prune(ctx: PruneContext): PruneResult {
  const settings = readSettings(ctx);
  const trainableOnly = hyperparameters(ctx).boolean('growTrainableOnly');
  const growScores = (step: number, names: readonly string[], weightsAfterDrop: WeightMap): GrowthRanking => {
    const scores = randomGrowScores(ctx, step, names);
    return trainableOnly ? { scores, eligible: withGradient(denseGradientsAt(ctx, names, weightsAfterDrop)) } : { scores };
  };
  return { masks: trainWithDropGrow(ctx, settings, growScores, 'set').masks };
}

/**
 * A seeded random order per layer as scores (the first position of the permutation scores highest),
 * so growing the largest-scored candidates grows a uniformly random subset of them, without ties.
 */
export function randomGrowScores(ctx: Pick<PruneContext, 'rng' | 'network'>, step: number, names: readonly string[]): WeightMap {
  const sizes = new Map(ctx.network.parameters.map((p) => [p.name, p.shape.reduce((a, b) => a * b, 1)]));
  return Object.fromEntries(
    names.map((name) => {
      const size = sizes.get(name)!;
      const order = ctx.rng.fork(`grow:${step}:${name}`).permutation(size);
      const scores = new Float32Array(size);
      order.forEach((position, rank) => (scores[position] = size - rank));
      return [name, scores];
    }),
  );
}

export function readSettings(ctx: Pick<PruneContext, 'hyperparameters' | 'recipe'>): DropGrowSettings {
  const h = hyperparameters(ctx);
  return {
    epochs: h.epochs('epochs'),
    intervalEpochs: h.number('intervalEpochs'),
    endFraction: h.number('endFraction'),
    dropFraction: h.number('dropFraction'),
  };
}
