import type * as tfcore from '@tensorflow/tfjs-core';
import type { PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';
import { unitLayers } from '../../api/method-kit/structured.ts';

const biasOf = (kernel: string) => kernel.replace(/\/kernel$/, '/bias');

/**
 * Molchanov et al. (2019), first order: the importance of unit j is (Σ_{s ∈ S_j} g_s w_s)², S_j its
 * incoming weights and its bias, g the gradient of the task loss on a training batch, averaged
 * over `batches` batches.
 */
export function prune(ctx: PruneContext): PruneResult {
  const layers = unitLayers(ctx, 'neuron-taylor');
  const batches = hyperparameters(ctx).integer('batches');
  const params = layers.flatMap(({ name }) => [name, biasOf(name)]);
  const values = ctx.network.getWeights(params);
  const shapes = new Map(ctx.network.parameters.map((p) => [p.name, p.shape]));
  const importance: WeightMap = Object.fromEntries(layers.map(({ name, units }) => [name, new Float32Array(units)]));
  const sums = new Map(layers.map(({ name, units }) => [name, new Float64Array(units)]));
  for (const batch of ctx.trainBatches(batches)) {
    const grads = parameterGradients(ctx, params, values, shapes, batch.x, batch.y);
    batch.x.dispose();
    batch.y.dispose();
    for (const { name, units } of layers) {
      const perUnit = new Float64Array(units);
      const kernel = values[name];
      const g = grads[name];
      for (let i = 0; i < kernel.length; i++) perUnit[i % units] += g[i] * kernel[i];
      const bias = values[biasOf(name)];
      const gb = grads[biasOf(name)];
      for (let j = 0; j < units; j++) sums.get(name)![j] += (perUnit[j] + gb[j] * bias[j]) ** 2;
    }
  }
  for (const { name, units } of layers) for (let j = 0; j < units; j++) importance[name][j] = sums.get(name)![j] / batches;
  return { unitScores: importance };
}

/** ∂L/∂p of the task's mean loss on one batch for each named parameter (kernels and biases), at the given values. */
function parameterGradients(
  ctx: PruneContext,
  params: string[],
  values: WeightMap,
  shapes: Map<string, number[]>,
  x: tfcore.Tensor,
  y: tfcore.Tensor2D,
): WeightMap {
  const { tf } = ctx;
  const tensors = params.map((p) => tf.tensor(values[p], shapes.get(p)!));
  const grads = tf.grads((...inputs: tfcore.Tensor[]) =>
    ctx.loss(ctx.forward(x, Object.fromEntries(params.map((p, i) => [p, inputs[i]]))), y),
  )(tensors);
  const out: WeightMap = Object.fromEntries(params.map((p, i) => [p, grads[i].dataSync().slice() as Float32Array]));
  for (const t of [...tensors, ...grads]) t.dispose();
  return out;
}
