import type { PruneContext, PruneResult } from '../../harness/method-api.ts';
import { erkRandomMasks } from '../../harness/method-kit/erk.ts';

export { erkKeepCounts } from '../../harness/method-kit/erk.ts';

/** Random masks with ERK layer densities (the method kit's ERK counts): each layer keeps a uniformly random subset of its count. */
export function prune(ctx: PruneContext): PruneResult {
  return { masks: erkRandomMasks(ctx) };
}
