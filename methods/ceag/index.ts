import type * as tfcore from '@tensorflow/tfjs-core';
import type { Batch, MaskMap, PruneContext, PruneResult } from '../../api/method-api.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';
import { largestMask } from '../../api/method-kit/largest-mask.ts';
import { accuracies, dualStep, measuredGaps, surrogateGaps, surrogates, type DenseAccuracies } from './excess-gaps.ts';

/** One global cut of |θ| over every prunable weight, ties at the cut by lowest index in parameter order. */
export function globalMagnitudeMask(ctx: PruneContext): MaskMap {
  const names = [...ctx.network.prunableNames];
  const weights = ctx.network.getWeights(names);
  const magnitudes = Float32Array.from(names.flatMap((n) => Array.from(weights[n], Math.abs)));
  const keep = largestMask(magnitudes, ctx.target.keepCount);
  const masks: MaskMap = {};
  let offset = 0;
  for (const n of names) {
    masks[n] = keep.slice(offset, offset + weights[n].length);
    offset += weights[n].length;
  }
  return masks;
}

/** Predicted classes, true classes and groups (the batch's protected groups, else its classes) of one batch. */
function batchLabels(
  ctx: PruneContext,
  outputs: tfcore.Tensor,
  batch: Batch,
): { predicted: Int32Array; labels: Int32Array; groups: Int32Array } {
  const predicted = ctx.tf.argMax(outputs, 1).dataSync() as Int32Array;
  const labels = ctx.tf.argMax(batch.y, 1).dataSync() as Int32Array;
  return { predicted, labels, groups: batch.groups ?? labels };
}

/** The dense network's accuracies overall and per group, on `count` seeded training batches. */
export function denseAccuracies(ctx: PruneContext, count: number, batchSize: number): DenseAccuracies {
  const predicted: number[] = [];
  const labels: number[] = [];
  const groups: number[] = [];
  for (const batch of ctx.trainBatches(count, batchSize)) {
    const outputs = ctx.forward(batch.x);
    const rows = batchLabels(ctx, outputs, batch);
    predicted.push(...rows.predicted);
    labels.push(...rows.labels);
    groups.push(...rows.groups);
    outputs.dispose();
    batch.x.dispose();
    batch.y.dispose();
  }
  return accuracies(predicted, labels, groups);
}

/**
 * Balancing Act: magnitude pruning of the trained network, then fine-tuning with the harness's
 * loop under the Lagrangian CE + Σ_g λ_g (ψ̃_g − ε), the multipliers updated after every step by
 * projected gradient ascent on the gaps ψ_g measured (with true accuracies) on that step's batch.
 */
export function prune(ctx: PruneContext): PruneResult {
  if (ctx.taskKind !== 'classification') throw new Error('ceag constrains accuracy gaps: it needs a classification task');
  const h = hyperparameters(ctx);
  const tolerance = h.number('tolerance');
  const dualStepSize = h.number('dualStepSize');
  const surrogate = h.choice('surrogate', surrogates);
  const dense = denseAccuracies(ctx, h.integer('referenceBatches'), h.integer('referenceBatchSize'));

  const masks = globalMagnitudeMask(ctx);
  ctx.setMasks(masks);

  const { tf } = ctx;
  const multipliers = new Map([...dense.byGroup.keys()].map((g) => [g, 0] as [number, number]));
  let stepGaps = new Map<number, number>();
  ctx.train({
    epochs: h.epochs('fineTuneEpochs'),
    loss: (outputs, batch) => {
      const rows = batchLabels(ctx, outputs, batch);
      stepGaps = measuredGaps(accuracies(rows.predicted, rows.labels, rows.groups), dense);
      const terms: tfcore.Scalar[] = [ctx.loss(outputs, batch.y)];
      for (const [group, gap] of surrogateGaps(tf, outputs as tfcore.Tensor2D, batch.y, rows.groups, dense, surrogate)) {
        const multiplier = multipliers.get(group) ?? 0;
        if (multiplier > 0) terms.push(tf.mul(multiplier, tf.sub(gap, tolerance)));
      }
      return terms.length === 1 ? terms[0] : tf.addN(terms);
    },
    afterStep: () => dualStep(multipliers, stepGaps, tolerance, dualStepSize),
  });
  return { masks, fineTuned: true };
}
