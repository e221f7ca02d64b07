import type { PruneContext, PruneResult } from '../../api/method-api.ts';
import { nmOf } from '../../api/method-kit/structured.ts';

/** |θ| of every prunable weight; the harness keeps the N largest of every group of M. */
export function prune(ctx: PruneContext): PruneResult {
  nmOf(ctx, 'nm-magnitude');
  const weights = ctx.network.getWeights([...ctx.network.prunableNames]);
  return { scores: Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, w.map(Math.abs)])) };
}
