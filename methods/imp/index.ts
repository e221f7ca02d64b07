import type { PruneContext, PruneResult } from '../../api/method-api.ts';
import { pruneIteratively, readIterativeMagnitudeSettings } from '../../api/method-kit/iterative-magnitude.ts';

/**
 * Iterative magnitude pruning with rewinding to initialisation (Frankle & Carbin 2019): train,
 * remove the smallest-magnitude surviving weights, reset the survivors to their initial values,
 * repeat. Each full round removes `rate` of the surviving weights (`outputLayerRate` in the last
 * prunable layer when layerwise); rounds continue while a full round would still keep more than
 * the target, and the last round prunes exactly to it. Leaves every weight at its initial value (the
 * harness masks and trains the ticket) and returns survival scores (see `survivalScores`).
 */
export function prune(ctx: PruneContext): Promise<PruneResult> {
  const settings = readIterativeMagnitudeSettings(ctx);
  return pruneIteratively(ctx, settings, {
    train: () => ctx.train({ epochs: settings.epochs }),
    rewind: () => ctx.rewind('init'),
  });
}
