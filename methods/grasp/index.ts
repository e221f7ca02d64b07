import type { Batch, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';
import { withSecondOrderGradients } from '../../api/method-kit/second-order-gradients.ts';

type Tensor = Parameters<PruneContext['forward']>[0];

/**
 * GraSP (Wang et al. 2020). The paper removes the weights with the largest S(−θ) = −θ ⊙ Hg, where
 * g is the gradient of the loss on logits divided by a temperature T and Hg the Hessian-gradient
 * product. The harness keeps the highest scores, so the scores returned are θ ⊙ Hg = −S.
 *
 * Hg is exact reverse-over-reverse autodiff, ∇_θ(g · ∇_θL) with g held constant, as in the
 * authors' code. (A finite difference of gradients is no substitute on ReLU networks: every
 * activation that switches sign between the two evaluation points adds an O(1/ε) error.)
 */
export function prune(ctx: PruneContext): PruneResult {
  const h = hyperparameters(ctx);
  const samplesPerClass = h.integer('samplesPerClass');
  const batchCount = h.integer('batches');
  const temperature = h.number('temperature');
  const names = [...ctx.network.prunableNames];
  const theta = ctx.network.getWeights(names);
  const batches = Array.from({ length: batchCount }, () => scoringBatch(ctx, samplesPerClass));
  try {
    return withSecondOrderGradients(ctx.tf, () => {
      const gradient = meanOver(batches, (batch) => lossGradient(ctx, names, theta, batch, temperature));
      const hessianGradient = meanOver(batches, (batch) => hessianTimes(ctx, names, theta, gradient, batch, temperature));
      const scores: WeightMap = {};
      for (const name of names) scores[name] = theta[name].map((w, i) => w * hessianGradient[name][i]);
      return { scores };
    });
  } finally {
    for (const batch of batches) {
      batch.x.dispose();
      batch.y.dispose();
    }
  }
}

/**
 * The loss GraSP differentiates: cross-entropy of logits / T. It is spelled out with expm1 because
 * tfjs's exp, logSoftmax and logSumExp have wrong or missing second derivatives: the gradients of
 * exp and logSoftmax reuse their saved outputs, which the tape does not differentiate, and max's
 * gradient goes through `equal`, which has none. expm1's gradient recomputes exp from the input.
 * Regression tasks use the task's own loss (squared error differentiates twice as it is).
 */
function scoringLoss(ctx: PruneContext, names: string[], weights: Tensor[], batch: Batch, temperature: number): Tensor {
  const tf = ctx.tf;
  const outputs = ctx.forward(batch.x, Object.fromEntries(names.map((n, i) => [n, weights[i]])));
  if (ctx.taskKind === 'regression') return ctx.loss(outputs, batch.y);
  const logits = tf.div(outputs, temperature);
  // A per-row constant shift keeps exp in range; copied out of the tape it contributes no derivative.
  const shift = tf.tensor(tf.max(logits, 1, true).dataSync(), [batch.size, 1]);
  const exponentials = tf.add(tf.expm1(tf.sub(logits, shift)), 1);
  const logPartition = tf.add(tf.log(tf.sum(exponentials, 1)), tf.reshape(shift, [-1]));
  return tf.mean(tf.sub(logPartition, tf.sum(tf.mul(batch.y, logits), 1)));
}

function tensorsOf(ctx: PruneContext, names: string[], values: WeightMap): Tensor[] {
  const shapes = Object.fromEntries(ctx.network.parameters.map((p) => [p.name, p.shape]));
  return names.map((n) => ctx.tf.tensor(values[n], shapes[n], 'float32'));
}

function lossGradient(ctx: PruneContext, names: string[], theta: WeightMap, batch: Batch, temperature: number): WeightMap {
  const tf = ctx.tf;
  const result: WeightMap = {};
  tf.tidy(() => {
    const gradients = tf.grads((...w: Tensor[]) => scoringLoss(ctx, names, w, batch, temperature))(tensorsOf(ctx, names, theta));
    names.forEach((n, i) => (result[n] = gradients[i].dataSync().slice() as Float32Array));
  });
  return result;
}

/** H·v on one batch: the gradient of v · ∇_θL, with v constant. */
function hessianTimes(ctx: PruneContext, names: string[], theta: WeightMap, v: WeightMap, batch: Batch, temperature: number): WeightMap {
  const tf = ctx.tf;
  const result: WeightMap = {};
  tf.tidy(() => {
    const direction = tensorsOf(ctx, names, v);
    const directionalDerivative = (...w: Tensor[]) => {
      const gradients = tf.grads((...u: Tensor[]) => scoringLoss(ctx, names, u, batch, temperature))(w);
      return tf.addN(gradients.map((g, i) => tf.sum(tf.mul(g, direction[i]))));
    };
    const products = tf.grads(directionalDerivative)(tensorsOf(ctx, names, theta));
    names.forEach((n, i) => (result[n] = products[i].dataSync().slice() as Float32Array));
  });
  return result;
}

/**
 * The authors' sample: `samplesPerClass` training examples of every class, gathered from seeded
 * training batches in the order drawn. Regression tasks have no classes; they use one batch of
 * the recipe's batch size.
 */
function scoringBatch(ctx: PruneContext, samplesPerClass: number): Batch {
  if (ctx.taskKind === 'regression') {
    const [batch] = ctx.trainBatches(1);
    return batch;
  }
  const chosenX: Float32Array[] = [];
  const chosenY: Float32Array[] = [];
  let sampleShape: number[] = [];
  let classCount = 0;
  let perClass: number[] = [];
  let scanned = 0;
  // A class with fewer than samplesPerClass training examples must not make the search endless.
  let scanLimit = Infinity;
  for (const batch of ctx.trainBatches(Number.MAX_SAFE_INTEGER)) {
    const x = batch.x.dataSync();
    const y = batch.y.dataSync();
    if (classCount === 0) {
      sampleShape = batch.x.shape.slice(1);
      classCount = batch.y.shape[1];
      perClass = new Array<number>(classCount).fill(0);
      scanLimit = 100 * samplesPerClass * classCount;
    }
    const rowSize = x.length / batch.size;
    for (let r = 0; r < batch.size; r++) {
      const label = y.subarray(r * classCount, (r + 1) * classCount).indexOf(1);
      if (perClass[label] >= samplesPerClass) continue;
      perClass[label]++;
      chosenX.push(Float32Array.from(x.subarray(r * rowSize, (r + 1) * rowSize)));
      chosenY.push(Float32Array.from(y.subarray(r * classCount, (r + 1) * classCount)));
    }
    scanned += batch.size;
    batch.x.dispose();
    batch.y.dispose();
    if (perClass.every((count) => count >= samplesPerClass) || scanned >= scanLimit) break;
  }
  const rows = chosenX.length;
  const xValues = new Float32Array(rows * chosenX[0].length);
  const yValues = new Float32Array(rows * classCount);
  chosenX.forEach((row, r) => xValues.set(row, r * row.length));
  chosenY.forEach((row, r) => yValues.set(row, r * classCount));
  return { x: ctx.tf.tensor(xValues, [rows, ...sampleShape]), y: ctx.tf.tensor2d(yValues, [rows, classCount]), size: rows };
}

function meanOver(batches: Batch[], compute: (batch: Batch) => WeightMap): WeightMap {
  const sum: WeightMap = {};
  for (const batch of batches) {
    for (const [name, values] of Object.entries(compute(batch))) {
      const total = (sum[name] ??= new Float32Array(values.length));
      for (let i = 0; i < values.length; i++) total[i] += values[i] / batches.length;
    }
  }
  return sum;
}
