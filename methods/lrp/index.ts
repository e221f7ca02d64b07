import type * as tfcore from '@tensorflow/tfjs-core';
import type { Batch, PruneContext, PruneResult } from '../../api/method-api.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';

type Tf = typeof tfcore;

/** One dense layer of the chain: kernel [in, out], bias [out]. */
export interface DenseLayer {
  kernel: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
}

export interface Relevances {
  /** Σ over samples of each weight's relevance R_{i→j}, per layer. */
  weights: Float32Array[];
  /** Σ over samples of the relevance reaching each input feature. */
  inputs: Float32Array;
  /** Σ over samples of the relevance put on the output (the target class's logit). */
  output: number;
}

export type LrpRule = 'z-plus' | 'epsilon';

/** The stabiliser the authors' code adds to z⁺ denominators. */
const Z_PLUS_STABILISER = 1e-9;

/**
 * Pruning by Explaining (Yeom et al. 2021), per weight: the trained network's decision for the
 * true class is explained by layer-wise relevance propagation on seeded training samples, each
 * weight scores the relevance R_{i→j} it carries, summed over the samples, and the least relevant
 * weights are cut globally (the harness then fine-tunes).
 */
export function prune(ctx: PruneContext): PruneResult {
  const h = hyperparameters(ctx);
  const rule = h.choice('rule', ['z-plus', 'epsilon'] as const);
  const layers = denseChain(ctx);
  const [batch] = ctx.trainBatches(1, h.integer('samples'));
  try {
    checkChainMatchesNetwork(ctx, layers, batch);
    const { weights } = propagateRelevance(ctx.tf, layers, batch, { rule, epsilon: h.number('epsilon') }, ctx.taskKind);
    return { scores: Object.fromEntries(ctx.network.prunableNames.map((name, l) => [name, weights[l]])) };
  } finally {
    batch.x.dispose();
    batch.y.dispose();
  }
}

/**
 * LRP through a chain of dense layers, ReLU between them and a linear output. A sample's output
 * relevance is its target class's logit (the other classes 0), as the authors' code does (output ×
 * one-hot label); for regression, every output's value. Relevance flows back layer by layer, the
 * ReLU passing it unchanged, with s_j = R_j / d_j, R_{i→j} = a_i v_ij s_j and R_i = Σ_j R_{i→j}:
 *   z-plus:  v = max(w, 0), d_j = Σ_i a_i v_ij + 1e-9 (no bias): relevance is conserved;
 *   epsilon: v = w, d_j = z_j + ε·sign z_j (z_j with the bias): biases and ε absorb some.
 */
export function propagateRelevance(
  tf: Tf,
  layers: DenseLayer[],
  batch: Batch,
  settings: { rule: LrpRule; epsilon: number },
  taskKind: 'classification' | 'regression',
): Relevances {
  const result: Relevances = { weights: new Array<Float32Array>(layers.length), inputs: new Float32Array(layers[0].inputs), output: 0 };
  // Read out inside the tidy, which then frees every intermediate tensor.
  tf.tidy(() => {
    const activations: tfcore.Tensor2D[] = [tf.reshape(batch.x, [batch.size, layers[0].inputs]) as tfcore.Tensor2D];
    layers.forEach((layer, l) => {
      const z = tf.add(tf.matMul(activations[l], kernelOf(tf, layer)), tf.tensor1d(layer.bias)) as tfcore.Tensor2D;
      activations.push(l < layers.length - 1 ? (tf.relu(z) as tfcore.Tensor2D) : z);
    });
    const logits = activations[layers.length];
    let relevance = (taskKind === 'classification' ? tf.mul(logits, batch.y) : logits) as tfcore.Tensor2D;
    result.output = tf.sum(relevance).dataSync()[0];
    for (let l = layers.length - 1; l >= 0; l--) {
      const a = activations[l];
      const kernel = kernelOf(tf, layers[l]);
      const v = settings.rule === 'z-plus' ? (tf.relu(kernel) as tfcore.Tensor2D) : kernel;
      let denominator: tfcore.Tensor;
      if (settings.rule === 'z-plus') denominator = tf.add(tf.matMul(a, v), Z_PLUS_STABILISER);
      else {
        const z = tf.add(tf.matMul(a, kernel), tf.tensor1d(layers[l].bias));
        // sign(0) counts as +, so a zero pre-activation gets the finite denominator ε.
        denominator = tf.add(z, tf.mul(tf.sub(tf.mul(tf.cast(tf.greaterEqual(z, 0), 'float32'), 2), 1), settings.epsilon));
      }
      const s = tf.div(relevance, denominator) as tfcore.Tensor2D;
      // v_ij · Σ_n a_i^(n) s_j^(n): each weight's relevance summed over the samples.
      result.weights[l] = Float32Array.from(tf.mul(v, tf.matMul(a, s, true, false)).dataSync());
      relevance = tf.mul(a, tf.matMul(s, v, false, true)) as tfcore.Tensor2D;
    }
    result.inputs = Float32Array.from(tf.sum(relevance, 0).dataSync());
  });
  return result;
}

function kernelOf(tf: Tf, layer: DenseLayer): tfcore.Tensor2D {
  return tf.tensor2d(layer.kernel, [layer.inputs, layer.outputs]);
}

/** The prunable parameters as a chain of dense layers (kernel [in, out] followed by its bias); anything else is refused. */
export function denseChain(ctx: Pick<PruneContext, 'network'>): DenseLayer[] {
  const names = ctx.network.prunableNames;
  const weights = ctx.network.getWeights();
  return names.map((name, l) => {
    const shape = ctx.network.parameters.find((p) => p.name === name)!.shape;
    const biasName = name.replace(/kernel$/, 'bias');
    if (shape.length !== 2 || !name.endsWith('/kernel') || !weights[biasName])
      throw new Error(`lrp: supports chains of dense layers only; '${name}' has shape [${shape.join(', ')}]`);
    if (l > 0 && shape[0] !== ctx.network.parameters.find((p) => p.name === names[l - 1])!.shape[1])
      throw new Error(`lrp: '${name}' does not follow '${names[l - 1]}' in a dense chain`);
    return { kernel: weights[name], bias: weights[biasName], inputs: shape[0], outputs: shape[1] };
  });
}

/** The explanation assumes ReLU hidden layers and a linear output: refuse a network that computes anything else. */
function checkChainMatchesNetwork(ctx: PruneContext, layers: DenseLayer[], batch: Batch): void {
  const { tf } = ctx;
  const difference = tf.tidy(() => {
    let h = tf.reshape(batch.x, [batch.size, layers[0].inputs]) as tfcore.Tensor2D;
    layers.forEach((layer, l) => {
      const z = tf.add(tf.matMul(h, kernelOf(tf, layer)), tf.tensor1d(layer.bias)) as tfcore.Tensor2D;
      h = l < layers.length - 1 ? tf.relu(z) : z;
    });
    return tf.max(tf.abs(tf.sub(h, ctx.forward(batch.x)))).dataSync()[0];
  });
  if (!(difference <= 1e-3)) throw new Error(`lrp: the network is not a ReLU chain of its dense layers (outputs differ by ${difference})`);
}
