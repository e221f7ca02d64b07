import type { MaskMap, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';
import { largestMask } from '../../api/method-kit/largest-mask.ts';
import { varianceRestoringFactors } from './rescale.ts';
import { connectionSensitivity } from '../../api/method-kit/connection-sensitivity.ts';

/**
 * SNIP-SR (Hayou et al. 2021): SNIP's connection sensitivity on the edge-of-chaos initialisation
 * (for ReLU, He-normal 2/fan-in with zero biases: the task's own initialisation), one global cut,
 * then every output unit's kept weights rescaled so its weights' sum of squares is what it was
 * before pruning. The factors depend on the exact mask, so the method cuts the scores itself and
 * returns masks (ties at the cut: lowest index in parameter order) with the per-unit factors.
 */
export function prune(ctx: PruneContext): PruneResult {
  const h = hyperparameters(ctx);
  const names = ctx.network.prunableNames;
  const weights = ctx.network.getWeights([...names]);
  const scores = connectionSensitivity(ctx, weights, h.integer('batches'), h.integer('batchSize'));

  const masks = globalMasks(scores, names, ctx.target.keepCount);
  const scaleFactors: WeightMap = {};
  for (const { name, shape } of ctx.network.parameters.filter((p) => p.prunable)) {
    scaleFactors[name] = varianceRestoringFactors(weights[name], masks[name], shape[shape.length - 1]);
  }
  return { masks, scaleFactors };
}

/** The `keepCount` highest scores over all layers together, in parameter order. */
function globalMasks(scores: WeightMap, names: readonly string[], keepCount: number): MaskMap {
  const all = new Float32Array(names.reduce((s, n) => s + scores[n].length, 0));
  let offset = 0;
  for (const name of names) {
    all.set(scores[name], offset);
    offset += scores[name].length;
  }
  const kept = largestMask(all, keepCount);
  const masks: MaskMap = {};
  offset = 0;
  for (const name of names) {
    masks[name] = kept.slice(offset, offset + scores[name].length);
    offset += scores[name].length;
  }
  return masks;
}
