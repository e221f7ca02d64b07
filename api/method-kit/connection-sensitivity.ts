import type { PruneContext, WeightMap } from '../method-api.ts';

/**
 * SNIP's connection sensitivity |∂L/∂c| = |ḡ ⊙ θ| per prunable weight, with ḡ the loss gradient
 * averaged over `batches` seeded training batches of `batchSize` examples: the score of SNIP
 * (Lee et al. 2019) and of SNIP-SR.
 */
export function connectionSensitivity(ctx: PruneContext, weights: WeightMap, batches: number, batchSize: number): WeightMap {
  const names = ctx.network.prunableNames;
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
  return scores;
}
