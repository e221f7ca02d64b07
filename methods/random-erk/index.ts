import type { PruneContext, PruneResult } from '../../api/method-api.ts';
import { erkRandomMasks } from '../../api/method-kit/erk.ts';

export { erkKeepCounts } from '../../api/method-kit/erk.ts';

/** Random masks with ERK layer densities (the method kit's ERK counts): each layer keeps a uniformly random subset of its count. */
export function prune(ctx: PruneContext): PruneResult {
  return { masks: erkRandomMasks(ctx) };
}
