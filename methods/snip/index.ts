import type { PruneContext, PruneResult } from '../../api/method-api.ts';
import { connectionSensitivity } from '../../api/method-kit/connection-sensitivity.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';

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
  const scores = connectionSensitivity(ctx, ctx.network.getWeights([...names]), batches, batchSize);
  return { scores };
}
