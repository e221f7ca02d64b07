import * as tf from '@tensorflow/tfjs-core';
import { fusedDense, fusedDenseAvailable, registerFusedDense } from './fused-dense.ts';
import { applyMask, registerFusedMask } from './fused-mask.ts';
import './gradients.ts';
import { type ArchitectureSpec, type ParameterInfo, describeParameters } from './architecture.ts';
import type { MaskMap, ShapeMap, WeightMap } from './types.ts';
import type { Rng } from './rng.ts';

registerFusedDense();
registerFusedMask();

/**
 * A network with masks over its prunable weights. The mask is applied in the forward pass
 * (so pruned weights get no gradient) and re-applied to the stored weights after every
 * optimiser step (so a pruned weight is exactly 0.0 at all times).
 */
export class MaskedNetwork {
  readonly spec: ArchitectureSpec;
  readonly parameters: ParameterInfo[];
  readonly variables: Map<string, tf.Variable>;
  private readonly maskTensors = new Map<string, tf.Tensor>();

  private constructor(spec: ArchitectureSpec, weights: WeightMap) {
    this.spec = spec;
    this.parameters = describeParameters(spec);
    this.variables = new Map();
    for (const p of this.parameters) {
      const values = weights[p.name];
      if (!values) throw new Error(`${spec.id}: no initial values for parameter '${p.name}'`);
      if (values.length !== p.shape.reduce((a, b) => a * b, 1)) {
        throw new Error(
          `${spec.id}: parameter '${p.name}' has ${values.length} values, shape [${p.shape}] needs ${p.shape.reduce((a, b) => a * b, 1)}`,
        );
      }
      const initial = tf.tensor(values, p.shape, 'float32');
      this.variables.set(p.name, tf.variable(initial, true, `${spec.id}/${p.name}/${variableCounter++}`));
      initial.dispose();
    }
  }

  /** He-normal kernels N(0, 2/fan_in) and zero biases, drawn from rng. */
  static initialise(spec: ArchitectureSpec, rng: Rng): MaskedNetwork {
    return new MaskedNetwork(spec, initialWeights(spec, rng));
  }

  static fromWeights(spec: ArchitectureSpec, weights: WeightMap): MaskedNetwork {
    return new MaskedNetwork(spec, weights);
  }

  get prunableNames(): string[] {
    return this.parameters.filter((p) => p.prunable).map((p) => p.name);
  }

  get shapes(): ShapeMap {
    return Object.fromEntries(this.parameters.map((p) => [p.name, p.shape]));
  }

  /** Copies of all parameter values. */
  getWeights(names: string[] = this.parameters.map((p) => p.name)): WeightMap {
    const out: WeightMap = {};
    for (const n of names) out[n] = this.variable(n).dataSync().slice() as Float32Array;
    return out;
  }

  setWeights(weights: WeightMap): void {
    for (const [name, values] of Object.entries(weights)) {
      const v = this.variable(name);
      if (values.length !== v.size) throw new Error(`setWeights: '${name}' has ${values.length} values, expected ${v.size}`);
      tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
    }
    this.applyMasks();
  }

  /** Current masks (all ones for an unmasked parameter). */
  getMasks(): MaskMap {
    const out: MaskMap = {};
    for (const n of this.prunableNames) {
      const m = this.maskTensors.get(n);
      out[n] = m ? (m.dataSync().slice() as Float32Array) : new Float32Array(this.variable(n).size).fill(1);
    }
    return out;
  }

  /** Installs masks (binary, by prunable name) and zeroes the pruned weights. */
  setMasks(masks: MaskMap): void {
    for (const [name, values] of Object.entries(masks)) {
      const v = this.variable(name);
      if (!this.prunableNames.includes(name)) throw new Error(`setMasks: '${name}' is not a prunable parameter`);
      if (values.length !== v.size) throw new Error(`setMasks: mask '${name}' has ${values.length} values, expected ${v.size}`);
      this.maskTensors.get(name)?.dispose();
      this.maskTensors.set(name, tf.keep(tf.tensor(values, v.shape, 'float32')));
    }
    this.applyMasks();
  }

  /** The installed mask tensor of a prunable parameter, if any (read-only: the network owns it). */
  maskTensor(name: string): tf.Tensor | undefined {
    return this.maskTensors.get(name);
  }

  clearMasks(): void {
    for (const m of this.maskTensors.values()) m.dispose();
    this.maskTensors.clear();
  }

  /** Re-zeroes every pruned weight. Called after each optimiser step. */
  applyMasks(): void {
    tf.tidy(() => {
      for (const [name, mask] of this.maskTensors) {
        const v = this.variable(name);
        v.assign(applyMask(v, mask));
      }
    });
  }

  variable(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(`${this.spec.id}: no parameter named '${name}'`);
    return v;
  }

  trainableVariables(): tf.Variable[] {
    return [...this.variables.values()];
  }

  /**
   * Logits for a batch. `override` replaces parameter tensors by name (used by methods that
   * differentiate with respect to something other than the stored weights, e.g. SynFlow's |θ|).
   */
  forward(x: tf.Tensor, override?: Partial<Record<string, tf.Tensor>>, options: ForwardOptions = {}): tf.Tensor {
    const fused = options.fusedDense === true && !override && fusedDenseAvailable();
    // Until the first layer with parameters, h is the data: no gradient flows to it.
    let hIsData = true;
    const param = (name: string): tf.Tensor => {
      const base = override?.[name] ?? this.variable(name);
      const mask = this.maskTensors.get(name);
      return mask ? tf.mul(base, mask) : base;
    };
    let h: tf.Tensor = tf.reshape(x, [-1, ...this.spec.inputShape]);
    for (const layer of this.spec.layers) {
      switch (layer.kind) {
        case 'dense': {
          const kernel = `${layer.name}/kernel`;
          const bias = `${layer.name}/bias`;
          if (fused && !this.maskTensors.has(bias)) {
            h = fusedDense(
              h as tf.Tensor2D,
              this.variable(kernel) as tf.Tensor2D,
              this.variable(bias) as tf.Tensor1D,
              this.maskTensors.get(kernel) ?? null,
              layer.activation === 'relu',
              !hIsData,
            );
          } else {
            const z = tf.add(tf.matMul(h as tf.Tensor2D, param(kernel) as tf.Tensor2D), param(bias));
            h = layer.activation === 'relu' ? tf.relu(z) : z;
          }
          hIsData = false;
          break;
        }
        case 'conv2d': {
          const s = layer.stride ?? 1;
          const z = tf.add(
            tf.conv2d(h as tf.Tensor4D, param(`${layer.name}/kernel`) as tf.Tensor4D, s, layer.padding),
            param(`${layer.name}/bias`),
          );
          h = layer.activation === 'relu' ? tf.relu(z) : z;
          hIsData = false;
          break;
        }
        case 'maxPool':
          h = tf.maxPool(h as tf.Tensor4D, layer.size, layer.stride ?? layer.size, 'valid');
          break;
        case 'flatten':
          h = tf.reshape(h, [h.shape[0], -1]);
          break;
      }
    }
    return h;
  }

  dispose(): void {
    this.clearMasks();
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}

export interface ForwardOptions {
  /**
   * Dense layers as one fused operation (engine/fused-dense.ts): same values and gradients,
   * less engine bookkeeping. For the training loop; methods' own forward passes keep plain ops.
   */
  fusedDense?: boolean;
}

let variableCounter = 0;

export function initialWeights(spec: ArchitectureSpec, rng: Rng): WeightMap {
  const init = rng.fork(`init:${spec.id}`);
  const out: WeightMap = {};
  for (const p of describeParameters(spec)) {
    const n = p.shape.reduce((a, b) => a * b, 1);
    out[p.name] = p.role === 'kernel' ? init.normalArray(n, 0, Math.sqrt(2 / p.fanIn)) : new Float32Array(n);
  }
  return out;
}
