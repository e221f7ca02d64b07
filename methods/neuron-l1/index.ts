import type { PruneContext, PruneResult } from '../../api/method-api.ts';
import { unitLayers, unitSums } from '../../api/method-kit/structured.ts';

/**
 * Li et al. (2017): each unit (dense) or filter (conv) of a removable layer scores the L1 norm of
 * its incoming weights, Σ_i |w_ij|; the harness keeps the highest-scoring units of every layer.
 */
export function prune(ctx: PruneContext): PruneResult {
  const layers = unitLayers(ctx, 'neuron-l1');
  const weights = ctx.network.getWeights(layers.map((l) => l.name));
  return { unitScores: Object.fromEntries(layers.map(({ name, units }) => [name, unitSums(weights[name], units, Math.abs)])) };
}
