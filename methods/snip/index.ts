import type { PruneContext, PruneResult, WeightMap } from '../../harness/method-api.ts';
import { hyperparameters } from '../../harness/method-kit/hyperparameters.ts';

/**
 * SNIP (Lee et al. 2019): connection sensitivity |∂L/∂c| = |g ⊙ θ| at initialisation, where c is
 * a multiplicative mask at 1 and g the gradient of the mean loss, averaged over `batches` seeded
 * training batches of `batchSize` examples.
 */
export function prune(ctx: PruneContext): PruneResult {
  const h = hyperparameters(ctx);
  const batches = h.integer('batches');
  const batchSize = h.integer('batchSize');

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
