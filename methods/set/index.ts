import type { PruneContext, PruneResult, WeightMap } from '../../harness/method-api.ts';
import { denseGradientsAt, trainWithDropGrow, type DropGrowSettings } from '../../harness/method-kit/drop-grow.ts';
import { hyperparameters } from '../../harness/method-kit/hyperparameters.ts';

/**
 * SET (Mocanu et al. 2018): sparse training from an ERK random mask; every ΔT steps each layer
 * drops the ⌊ζ_t·active⌋ active weights of smallest magnitude and regrows as many at uniformly
 * random inactive positions, at 0. ζ_t decays by a cosine to 0 at the end of the updates.
 */
export function prune(ctx: PruneContext): PruneResult {
  const settings = readSettings(ctx);
  const trainableOnly = hyperparameters(ctx).boolean('growTrainableOnly');
  const growScores = (step: number, names: readonly string[], weightsAfterDrop: WeightMap) => {
    const scores = randomGrowScores(ctx, step, names);
    return trainableOnly ? preferTrainable(scores, denseGradientsAt(ctx, names, weightsAfterDrop)) : scores;
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

/**
 * Lifts every position with a non-zero dense gradient above all others, keeping the random order
 * within each group. A weight grown at exactly 0 where no gradient reaches it (a dead unit, an
 * always-black pixel) would never move, and the harness counts it as pruned.
 */
export function preferTrainable(randomScores: WeightMap, gradients: WeightMap): WeightMap {
  return Object.fromEntries(
    Object.entries(randomScores).map(([name, scores]) => [name, scores.map((s, i) => (gradients[name][i] !== 0 ? s + scores.length : s))]),
  );
}

export function readSettings(ctx: Pick<PruneContext, 'hyperparameters' | 'recipe'>): DropGrowSettings {
  const h = hyperparameters(ctx);
  return { epochs: h.epochs('epochs'), intervalEpochs: h.number('intervalEpochs'), endFraction: h.number('endFraction'), dropFraction: h.number('dropFraction') };
}
