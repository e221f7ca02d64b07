import type * as tfcore from '@tensorflow/tfjs-core';
import type { Batch, PruneContext, PruneResult } from '../../api/method-api.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';

type Tf = typeof tfcore;
type Tensor = tfcore.Tensor;
type Tensor2D = tfcore.Tensor2D;
type Tensor4D = tfcore.Tensor4D;

/** A dense layer of the chain: kernel [in, out], bias [out]. */
export interface DenseLayer {
  kind: 'dense';
  name: string;
  kernel: Float32Array;
  bias: Float32Array;
  inputs: number;
  outputs: number;
}

/** A convolution of the chain (stride 1, ReLU), optionally followed by 2×2 max-pooling: kernel [kh, kw, in, out]. */
export interface ConvLayer {
  kind: 'conv';
  name: string;
  kernel: Float32Array;
  bias: Float32Array;
  shape: [number, number, number, number];
  padding: 'valid' | 'same';
  pool: boolean;
}

export type Layer = DenseLayer | ConvLayer;

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
  const [batch] = ctx.trainBatches(1, h.integer('samples'));
  try {
    const layers = layerChain(ctx, batch);
    const { weights } = propagateRelevance(ctx.tf, layers, batch, { rule, epsilon: h.number('epsilon') }, ctx.taskKind);
    return { scores: Object.fromEntries(ctx.network.prunableNames.map((name, l) => [name, weights[l]])) };
  } finally {
    batch.x.dispose();
    batch.y.dispose();
  }
}

/**
 * LRP through a chain of convolutions (ReLU, optional 2×2 max-pooling) and dense layers, ReLU
 * between them and a linear output. A sample's output relevance is its target class's logit (the
 * other classes 0), as the authors' code does (output × one-hot label); for regression, every
 * output's value. Relevance flows back layer by layer, the ReLU passing it unchanged and
 * max-pooling to each window's maximum (winner takes all), with s_j = R_j / d_j,
 * R_{i→j} = a_i v_ij s_j and R_i = Σ_j R_{i→j}, a convolution's shared weight summing its
 * messages over every position:
 *   z-plus:  v = max(w, 0), d_j = Σ_i a_i v_ij + 1e-9 (no bias): relevance is conserved;
 *   epsilon: v = w, d_j = z_j + ε·sign z_j (z_j with the bias): biases and ε absorb some.
 */
export function propagateRelevance(
  tf: Tf,
  layers: Layer[],
  batch: Batch,
  settings: { rule: LrpRule; epsilon: number },
  taskKind: 'classification' | 'regression',
): Relevances {
  const result: Relevances = { weights: new Array<Float32Array>(layers.length), inputs: new Float32Array(0), output: 0 };
  // Read out inside the tidy, which then frees every intermediate tensor.
  tf.tidy(() => {
    const { inputs, pooled, outputs } = forwardChain(tf, layers, batch.x);
    let relevance: Tensor = taskKind === 'classification' ? tf.mul(outputs[layers.length - 1], batch.y) : outputs[layers.length - 1];
    result.output = tf.sum(relevance).dataSync()[0];
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      const a = inputs[l];
      relevance = tf.reshape(relevance, outputs[l].shape);
      const before = pooled[l];
      // Max-pooling hands each window's relevance to the position its maximum came from.
      if (before) relevance = tf.grads((h: Tensor) => tf.sum(tf.mul(tf.maxPool(h as Tensor4D, 2, 2, 'valid'), relevance)))([before])[0];
      const kernel = kernelOf(tf, layer);
      const v = settings.rule === 'z-plus' ? tf.relu(kernel) : kernel;
      const linear = (x: Tensor, w: Tensor) =>
        layer.kind === 'conv' ? tf.conv2d(x as Tensor4D, w as Tensor4D, 1, layer.padding) : tf.matMul(x as Tensor2D, w as Tensor2D);
      let denominator: Tensor;
      if (settings.rule === 'z-plus') denominator = tf.add(linear(a, v), Z_PLUS_STABILISER);
      else {
        const z = tf.add(linear(a, kernel), tf.tensor1d(layer.bias));
        // sign(0) counts as +, so a zero pre-activation gets the finite denominator ε.
        denominator = tf.add(z, tf.mul(tf.sub(tf.mul(tf.cast(tf.greaterEqual(z, 0), 'float32'), 2), 1), settings.epsilon));
      }
      const s = tf.div(relevance, denominator);
      // Σ_n a_i^(n) s_j^(n) (and over positions for a convolution) is ∂⟨linear(a, w), s⟩/∂w; R_i = a_i ∂⟨linear(a, v), s⟩/∂a_i.
      const [byInput, byWeight] = tf.grads((x: Tensor, w: Tensor) => tf.sum(tf.mul(linear(x, w), s)))([a, v]);
      result.weights[l] = Float32Array.from(tf.mul(v, byWeight).dataSync());
      relevance = tf.mul(a, byInput);
    }
    result.inputs = Float32Array.from(tf.sum(relevance, 0).dataSync());
  });
  return result;
}

/** The chain's forward pass: each layer's input, its output (after ReLU and pooling) and, where it pools, its output before. */
function forwardChain(tf: Tf, layers: Layer[], x: Tensor): { inputs: Tensor[]; pooled: (Tensor | null)[]; outputs: Tensor[] } {
  const inputs: Tensor[] = [];
  const pooled: (Tensor | null)[] = [];
  const outputs: Tensor[] = [];
  let h = x;
  layers.forEach((layer, l) => {
    if (layer.kind === 'dense') h = tf.reshape(h, [h.shape[0], layer.inputs]);
    inputs.push(h);
    const kernel = kernelOf(tf, layer);
    const z = tf.add(
      layer.kind === 'conv' ? tf.conv2d(h as Tensor4D, kernel as Tensor4D, 1, layer.padding) : tf.matMul(h as Tensor2D, kernel as Tensor2D),
      tf.tensor1d(layer.bias),
    );
    h = l < layers.length - 1 ? tf.relu(z) : z;
    pooled.push(layer.kind === 'conv' && layer.pool ? h : null);
    if (layer.kind === 'conv' && layer.pool) h = tf.maxPool(h as Tensor4D, 2, 2, 'valid');
    outputs.push(h);
  });
  return { inputs, pooled, outputs };
}

function kernelOf(tf: Tf, layer: Layer): Tensor {
  return layer.kind === 'conv' ? tf.tensor4d(layer.kernel, layer.shape) : tf.tensor2d(layer.kernel, [layer.inputs, layer.outputs]);
}

const REFUSAL =
  'lrp: supports convolutions (stride 1, ReLU, optionally 2×2 max-pooling) followed by a chain of dense layers with ReLU between them and a linear output';

/**
 * The prunable parameters as a chain of layers (each kernel followed by its bias): convolutions
 * ([kh, kw, in, out]) first, then dense layers ([in, out]). A convolution's padding and whether
 * max-pooling follows it are not in its parameters: the first reading whose shapes fit and whose
 * forward pass gives the network's outputs on the batch is taken; anything else is refused.
 */
export function layerChain(ctx: Pick<PruneContext, 'network' | 'tf' | 'forward'>, batch: Batch): Layer[] {
  const names = ctx.network.prunableNames;
  const weights = ctx.network.getWeights();
  const parsed = names.map((name) => {
    const shape = ctx.network.parameters.find((p) => p.name === name)!.shape;
    const bias = weights[name.replace(/kernel$/, 'bias')];
    if (!name.endsWith('/kernel') || !bias || (shape.length !== 2 && shape.length !== 4))
      throw new Error(`${REFUSAL}; '${name}' has shape [${shape.join(', ')}]`);
    return { name, shape, kernel: weights[name], bias };
  });
  const convCount = parsed.findIndex((p) => p.shape.length === 2);
  if (convCount < 0 || parsed.slice(convCount).some((p) => p.shape.length !== 2))
    throw new Error(`${REFUSAL}; '${parsed[Math.max(convCount, 0)].name}' breaks that order`);
  const dense: DenseLayer[] = parsed.slice(convCount).map((p, l, all) => {
    if (l > 0 && p.shape[0] !== all[l - 1].shape[1])
      throw new Error(`lrp: '${p.name}' does not follow '${all[l - 1].name}' in a dense chain`);
    return { kind: 'dense', name: p.name, kernel: p.kernel, bias: p.bias, inputs: p.shape[0], outputs: p.shape[1] };
  });
  const readings = convReadings(parsed.slice(0, convCount), batch.x.shape.slice(1), dense[0].inputs);
  let closest = Infinity;
  for (const convs of readings) {
    const layers = [...convs, ...dense];
    const difference = outputDifference(ctx, layers, batch);
    if (difference <= 1e-3) return layers;
    closest = Math.min(closest, difference);
  }
  throw new Error(
    readings.length === 0
      ? `${REFUSAL}; no reading of its convolutions fits the input shape [${batch.x.shape.slice(1).join(', ')}]`
      : `${REFUSAL}; the network computes something else (outputs differ by ${closest})`,
  );
}

/** Every padding and pooling of the convolutions whose shapes lead from the input to the first dense layer. */
function convReadings(
  convs: { name: string; shape: number[]; kernel: Float32Array; bias: Float32Array }[],
  inputShape: number[],
  denseInputs: number,
): ConvLayer[][] {
  if (convs.length === 0) return inputShape.reduce((a, b) => a * b, 1) === denseInputs ? [[]] : [];
  if (inputShape.length !== 3) return [];
  const readings: ConvLayer[][] = [];
  const extend = (done: ConvLayer[], [height, width, channels]: number[]) => {
    const l = done.length;
    if (l === convs.length) {
      if (height * width * channels === denseInputs) readings.push(done);
      return;
    }
    const { name, shape, kernel, bias } = convs[l];
    const [kh, kw, inChannels, outChannels] = shape;
    if (inChannels !== channels) return;
    for (const padding of ['valid', 'same'] as const)
      for (const pool of [false, true]) {
        let [h, w] = padding === 'valid' ? [height - kh + 1, width - kw + 1] : [height, width];
        if (pool) [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
        if (h < 1 || w < 1) continue;
        const layer: ConvLayer = { kind: 'conv', name, kernel, bias, shape: [kh, kw, inChannels, outChannels], padding, pool };
        extend([...done, layer], [h, w, outChannels]);
      }
  };
  extend([], inputShape);
  return readings;
}

/** How far the chain's outputs are from the network's on the batch. */
function outputDifference(ctx: Pick<PruneContext, 'tf' | 'forward'>, layers: Layer[], batch: Batch): number {
  const { tf } = ctx;
  return tf.tidy(() => {
    const { outputs } = forwardChain(tf, layers, batch.x);
    return tf.max(tf.abs(tf.sub(outputs[layers.length - 1], ctx.forward(batch.x)))).dataSync()[0];
  });
}
