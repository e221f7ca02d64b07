import type { PruneContext, PruneResult, WeightMap } from '../../harness/method-api.ts';

/**
 * SNIP (Lee et al. 2019): connection sensitivity |∂L/∂c| = |g ⊙ θ| at initialisation, where c is
 * a multiplicative mask at 1 and g the gradient of the mean loss, averaged over `batches` seeded
 * training batches of `batchSize` examples.
 */
export function prune(ctx: PruneContext): PruneResult {
  const batches = Number(ctx.hyperparameters.batches);
  const batchSize = Number(ctx.hyperparameters.batchSize);
  if (!Number.isInteger(batches) || batches < 1) throw new Error(`snip: hyperparameter batches must be a positive integer, got ${ctx.hyperparameters.batches}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`snip: hyperparameter batchSize must be a positive integer, got ${ctx.hyperparameters.batchSize}`);

  const names = ctx.network.prunableNames;
  const weights = ctx.network.getWeights([...names]);
  const gradientSums: WeightMap = Object.fromEntries(names.map((n) => [n, new Float32Array(weights[n].length)]));
  for (const batch of ctx.trainBatches(batches, batchSize)) {
    try {
      const gradients = ctx.gradients(batch);
      for (const name of names) {
        const sum = gradientSums[name];
        const g = gradients[name];
        for (let i = 0; i < sum.length; i++) sum[i] += g[i];
      }
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  }

  const scores: WeightMap = {};
  for (const name of names) {
    const theta = weights[name];
    scores[name] = gradientSums[name].map((sum, i) => Math.abs((sum / batches) * theta[i]));
  }
  return { scores };
}
