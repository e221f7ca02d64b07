import type { PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { denseGradientsAt, trainWithDropGrow, withGradient, type GrowthRanking } from '../../api/method-kit/drop-grow.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';

/**
 * RigL (Evci et al. 2020): sparse training from an ERK random mask; every ΔT steps until 75% of
 * training each layer drops the ⌊α_t·active⌋ active weights of smallest magnitude and grows as many
 * inactive ones where the dense loss gradient is largest in magnitude, at 0; α_t is cosine-decayed.
 * Never grows where the gradient is exactly 0 (such a weight would stay 0 and count as pruned): the
 * largest dropped weights are kept back instead.
 */
export function prune(ctx: PruneContext): PruneResult {
  const h = hyperparameters(ctx);
  const settings = {
    epochs: h.epochs('epochs'),
    intervalEpochs: h.number('intervalEpochs'),
    endFraction: h.number('endFraction'),
    dropFraction: h.number('dropFraction'),
  };
  const growScores = (_step: number, names: readonly string[], weightsAfterDrop: WeightMap): GrowthRanking => {
    const gradients = denseGradientsAt(ctx, names, weightsAfterDrop);
    return { scores: gradientMagnitudes(gradients), eligible: withGradient(gradients) };
  };
  return { masks: trainWithDropGrow(ctx, settings, growScores, 'rigl').masks };
}

export function gradientMagnitudes(gradients: WeightMap): WeightMap {
  return Object.fromEntries(Object.entries(gradients).map(([name, g]) => [name, g.map(Math.abs)]));
}
