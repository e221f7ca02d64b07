import type * as tfcore from '@tensorflow/tfjs-core';
import type { Batch, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';
import { withSecondOrderGradients } from '../../api/method-kit/second-order-gradients.ts';

type Tensor = tfcore.Tensor;

export interface MetaGradientSettings {
  /** k: unrolled SGD steps before the loss is taken. */
  steps: number;
  learningRate: number;
}

/**
 * ProsPr (Alizadeh et al. 2022): the score of a weight is |∂L(θ_k)/∂m| at m = 1, where masks m
 * multiply the initial weights, θ_0 = θ ⊙ m (biases unmasked), and θ_{t+1} = θ_t − η ∇L_t(θ_t) are
 * k plain SGD steps on every parameter. The unrolled steps are one differentiable expression, so the
 * meta-gradient flows through every inner gradient (second order). With k = 0 it is SNIP's |θ ⊙ g|.
 */
export function prune(ctx: PruneContext): PruneResult {
  const h = hyperparameters(ctx);
  const settings = { steps: h.integer('steps'), learningRate: h.number('innerLearningRate') };
  const order = h.choice('metaGradient', ['full', 'first-order'] as const);
  const batchSize = h.integer('batchSize');
  // One batch for every step and the final loss (the reference's default), or a fresh one each time.
  const batches = [...ctx.trainBatches(h.boolean('newBatchPerStep') ? settings.steps + 1 : 1, batchSize)];
  try {
    const batchAt = (t: number) => batches[Math.min(t, batches.length - 1)];
    const meta = order === 'full' ? metaGradients(ctx, settings, batchAt) : firstOrderMetaGradients(ctx, settings, batchAt);
    return { scores: Object.fromEntries(Object.entries(meta).map(([name, g]) => [name, g.map(Math.abs)])) };
  } finally {
    for (const b of batches) {
      b.x.dispose();
      b.y.dispose();
    }
  }
}

/**
 * ∂L_k(θ_k)/∂m at m = 1 for every prunable parameter, with batch(t) the batch of inner step t
 * (t < k) and of the final loss (t = k).
 */
export function metaGradients(
  ctx: Pick<PruneContext, 'tf' | 'network' | 'forward' | 'loss' | 'taskKind'>,
  settings: MetaGradientSettings,
  batch: (t: number) => Batch,
): WeightMap {
  const { tf } = ctx;
  const prunable = [...ctx.network.prunableNames];
  const all = ctx.network.parameters.map((p) => p.name);
  const initial = ctx.network.getWeights(all);
  const shapes = new Map(ctx.network.parameters.map((p) => [p.name, [...p.shape]]));
  const lossAt = (params: Record<string, Tensor>, b: Batch) => twiceDifferentiableLoss(ctx, ctx.forward(b.x, params), b.y);

  const unrolledLoss = (...masks: Tensor[]): tfcore.Scalar => {
    let params: Record<string, Tensor> = Object.fromEntries(
      all.map((name) => {
        const theta = tf.tensor(initial[name], shapes.get(name)!);
        const l = prunable.indexOf(name);
        return [name, l >= 0 ? tf.mul(theta, masks[l]) : theta];
      }),
    );
    for (let t = 0; t < settings.steps; t++) {
      const b = batch(t);
      const gradients = tf.grads((...ps: Tensor[]) => lossAt(Object.fromEntries(all.map((name, i) => [name, ps[i]])), b))(
        all.map((name) => params[name]),
      );
      params = Object.fromEntries(all.map((name, i) => [name, tf.sub(params[name], tf.mul(gradients[i], settings.learningRate))]));
    }
    return lossAt(params, batch(settings.steps));
  };

  const result: WeightMap = {};
  try {
    withSecondOrderGradients(tf, () =>
      tf.tidy(() => {
        const ones = prunable.map((name) => tf.ones(shapes.get(name)!));
        const gradients = tf.grads(unrolledLoss)(ones);
        prunable.forEach((name, l) => (result[name] = Float32Array.from(gradients[l].dataSync())));
      }),
    );
  } catch (e) {
    const message = (e as Error).message;
    // A layer whose gradient tfjs cannot differentiate (second-order-gradients.ts adds conv2d's and maxPool's).
    if (/gradient function not found/.test(message))
      throw new Error(
        `prospr: the full meta-gradient needs second derivatives tfjs does not have for this network (${message}); use metaGradient = first-order`,
      );
    throw e;
  }
  return result;
}

/**
 * The reference's first-order approximation: the inner gradients are constants, so ∂θ_k/∂θ_0 = I
 * and ∂L(θ_k)/∂m = θ ⊙ ∇L(θ_k). Only first derivatives, so any network works.
 */
export function firstOrderMetaGradients(
  ctx: Pick<PruneContext, 'tf' | 'network' | 'forward' | 'loss'>,
  settings: MetaGradientSettings,
  batch: (t: number) => Batch,
): WeightMap {
  const { tf } = ctx;
  const prunable = [...ctx.network.prunableNames];
  const all = ctx.network.parameters.map((p) => p.name);
  const initial = ctx.network.getWeights(all);
  const shapes = new Map(ctx.network.parameters.map((p) => [p.name, [...p.shape]]));
  const gradientAt = (params: Tensor[], b: Batch) =>
    tf.grads((...ps: Tensor[]) => ctx.loss(ctx.forward(b.x, Object.fromEntries(all.map((name, i) => [name, ps[i]]))), b.y))(params);
  const result: WeightMap = {};
  tf.tidy(() => {
    let params = all.map((name) => tf.tensor(initial[name], shapes.get(name)!));
    for (let t = 0; t < settings.steps; t++) {
      const gradients = gradientAt(params, batch(t));
      params = params.map((p, i) => tf.sub(p, tf.mul(gradients[i], settings.learningRate)));
    }
    const final = gradientAt(params, batch(settings.steps));
    for (const name of prunable) {
      const g = final[all.indexOf(name)].dataSync();
      result[name] = Float32Array.from(initial[name], (theta, i) => theta * g[i]);
    }
  });
  return result;
}

/**
 * The task's loss written with ops tfjs can differentiate twice. tfjs computes the gradients of
 * exp, tanh, sigmoid, log-softmax, … from their saved outputs, which are not on the tape: a second
 * derivative through them silently misses terms (or fails). ctx.loss's cross-entropy goes through
 * tf.logSoftmax, so this is the same mean cross-entropy, mean(c + log Σ e^(o − c) − Σ y·o), with
 * e^u as expm1(u) + 1 (its gradient is computed from the input) and the shift c = max(o) per row
 * read as a constant (the value does not depend on c, so no derivative does). The MSE of
 * regression tasks is already made of such ops.
 */
export function twiceDifferentiableLoss(
  ctx: Pick<PruneContext, 'tf' | 'loss' | 'taskKind'>,
  outputs: Tensor,
  targets: tfcore.Tensor2D,
): tfcore.Scalar {
  if (ctx.taskKind !== 'classification') return ctx.loss(outputs, targets);
  const { tf } = ctx;
  const rowMax = tf.max(outputs, 1, true);
  const shift = tf.tensor(rowMax.dataSync(), rowMax.shape);
  const exponentials = tf.add(tf.expm1(tf.sub(outputs, shift)), 1);
  const logPartition = tf.add(tf.log(tf.sum(exponentials, 1)), tf.reshape(shift, [-1]));
  return tf.mean(tf.sub(logPartition, tf.sum(tf.mul(targets, outputs), 1)));
}
