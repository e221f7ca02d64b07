import type * as tfcore from '@tensorflow/tfjs-core';
import type { PruneContext, PruneResult } from '../../api/method-api.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';
import { nmMagnitudeMasks, nmMaskTensor, nmOf } from '../../api/method-kit/structured.ts';

/**
 * SR-STE (Zhou et al. 2021): the harness trains the dense kernels while the forward pass uses
 * srsteWeights of each; the final mask is the N:M magnitude mask of the trained kernels.
 */
export function prune(ctx: PruneContext): PruneResult {
  const { n, m } = nmOf(ctx, 'nm-srste');
  const h = hyperparameters(ctx);
  const decay = h.number('decay');
  ctx.train({
    epochs: h.epochs('epochs'),
    forwardWeights: (kernels) =>
      Object.fromEntries(Object.entries(kernels).map(([name, w]) => [name, srsteWeights(ctx.tf, w, n, m, decay)])),
  });
  const names = [...ctx.network.prunableNames];
  const shapes = Object.fromEntries(ctx.network.parameters.map((p) => [p.name, p.shape]));
  return { masks: nmMagnitudeMasks(ctx.network.getWeights(names), shapes, names, n, m) };
}

/**
 * w ⊙ mask in the forward pass, mask the N:M magnitude mask of w; backward, the sparse-refined
 * straight-through gradient ∂L/∂w = ∂L/∂w̃ + λ_W (1 − mask) ⊙ w.
 */
export function srsteWeights(tf: typeof tfcore, w: tfcore.Tensor, n: number, m: number, decay: number): tfcore.Tensor {
  const op = tf.customGrad((...inputs: Array<tfcore.Tensor | tfcore.GradSaveFunc>) => {
    const x = inputs[0] as tfcore.Tensor;
    const save = inputs[1] as tfcore.GradSaveFunc;
    const mask = nmMaskTensor(tf, x, n, m);
    save([x, mask]);
    return {
      value: tf.mul(x, mask),
      gradFunc: (dy: tfcore.Tensor, saved: tfcore.Tensor[]) => tf.add(dy, tf.mul(decay, tf.mul(tf.sub(1, saved[1]), saved[0]))),
    };
  });
  return op(w);
}
