import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmBase64 } from './wasm/fused-adam.wasm.ts';
import { ownKernelAvailable, registerOwnKernel } from './direct-kernels.ts';
import { simdExportsOn } from './wasm/instantiate.ts';

/**
 * Adam as one kernel per parameter instead of tfjs's fourteen (plus a scalar upload for each
 * constant): on LeNet-300-100 the optimiser was half of all kernel calls of a training step, each
 * paying tfjs's per-operation bookkeeping. Every operation is rounded to float32 in the order
 * tf.train.adam performs its tensor operations, so the weights are bit-identical to tfjs's Adam
 * (tests compare them), on wasm and cpu alike.
 */
export const FUSED_ADAM_KERNEL = 'PruneBenchAdam';

/** The step's constants, each already a float32 value as tfjs's scalar tensors hold them. */
export interface AdamConstants {
  beta1: number;
  beta2: number;
  oneMinusBeta1: number;
  oneMinusBeta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negativeLearningRate: number;
}

const f32 = Math.fround;

/**
 * tfjs 4.22's AdamOptimizer.applyGradients, elementwise:
 * m′ = m·β1 + g·(1−β1); v′ = v·β2 + g²·(1−β2); w′ = (m′/(1−β1ᵗ)) / (√(v′/(1−β2ᵗ)) + ε) · (−lr) + w.
 */
export function adamUpdate(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  outW: Float32Array,
  outM: Float32Array,
  outV: Float32Array,
  c: AdamConstants,
): void {
  // Locals, not property reads, inside the loop: V8 then keeps them in registers.
  const { beta1, beta2, oneMinusBeta1, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negativeLearningRate } = c;
  const n = w.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = f32(f32(m[i] * beta1) + f32(gi * oneMinusBeta1));
    const vi = f32(f32(v[i] * beta2) + f32(f32(gi * gi) * oneMinusBeta2));
    const mHat = f32(mi / oneMinusAccBeta1);
    const vHat = f32(vi / oneMinusAccBeta2);
    const step = f32(f32(mHat / f32(f32(Math.sqrt(vHat)) + epsilon)) * negativeLearningRate);
    outM[i] = mi;
    outV[i] = vi;
    outW[i] = step + w[i]; // the Float32Array store rounds
  }
}

interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(tensor: TensorInfo): Float32Array;
}

type SimdAdam = (
  w: number,
  g: number,
  m: number,
  v: number,
  outW: number,
  outM: number,
  outV: number,
  n: number,
  beta1: number,
  beta2: number,
  oneMinusBeta1: number,
  oneMinusBeta2: number,
  oneMinusAccBeta1: number,
  oneMinusAccBeta2: number,
  epsilon: number,
  negativeLearningRate: number,
) => void;

interface CpuData {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

type AdamInputs = { value: TensorInfo; gradient: TensorInfo; m: TensorInfo; v: TensorInfo };

function checkInputs({ value, gradient, m, v }: AdamInputs): void {
  for (const t of [value, gradient, m, v]) {
    if (t.dtype !== 'float32') throw new Error(`${FUSED_ADAM_KERNEL}: float32 tensors only, got ${t.dtype}`);
  }
  const size = tf.util.sizeFromShape(value.shape);
  if (tf.util.sizeFromShape(gradient.shape) !== size)
    throw new Error(`${FUSED_ADAM_KERNEL}: gradient of shape [${gradient.shape}] for a value of shape [${value.shape}]`);
}

const wasmAdam: KernelFunc = ({ inputs, backend, attrs }) => {
  const { value, gradient, m, v } = inputs as AdamInputs;
  checkInputs({ value, gradient, m, v });
  const heap = backend as unknown as WasmHeap;
  const c = attrs as unknown as AdamConstants;
  const outputs = [
    heap.makeOutput(value.shape, 'float32'),
    heap.makeOutput(value.shape, 'float32'),
    heap.makeOutput(value.shape, 'float32'),
  ];
  // Views only after the allocations: growing the heap detaches earlier ones.
  const [w2, m2, v2] = outputs.map((t) => heap.typedArrayFromHeap(t));
  const [w, g, m1, v1] = [value, gradient, m, v].map((t) => heap.typedArrayFromHeap(t));
  const simd = simdExportsOn(backend, wasmBase64)?.adam as SimdAdam | undefined;
  if (simd) {
    simd(
      w.byteOffset,
      g.byteOffset,
      m1.byteOffset,
      v1.byteOffset,
      w2.byteOffset,
      m2.byteOffset,
      v2.byteOffset,
      w.length,
      c.beta1,
      c.beta2,
      c.oneMinusBeta1,
      c.oneMinusBeta2,
      c.oneMinusAccBeta1,
      c.oneMinusAccBeta2,
      c.epsilon,
      c.negativeLearningRate,
    );
  } else adamUpdate(w, g, m1, v1, w2, m2, v2, c);
  return outputs;
};

const cpuAdam: KernelFunc = ({ inputs, backend, attrs }) => {
  const { value, gradient, m, v } = inputs as AdamInputs;
  checkInputs({ value, gradient, m, v });
  const cpu = backend as unknown as CpuData;
  const read = (t: TensorInfo) => cpu.data.get(t.dataId).values;
  const size = tf.util.sizeFromShape(value.shape);
  const [w2, m2, v2] = [new Float32Array(size), new Float32Array(size), new Float32Array(size)];
  adamUpdate(read(value), read(gradient), read(m), read(v), w2, m2, v2, attrs as unknown as AdamConstants);
  return [w2, m2, v2].map((values) => cpu.makeTensorInfo(value.shape, 'float32', values));
};

/** Adam's bias-correction state: the constants of each step, each a float32 value as tfjs's scalars hold them. */
export class AdamSchedule {
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon: number = tf.backend().epsilon(),
  ) {
    this.accBeta1 = f32(beta1);
    this.accBeta2 = f32(beta2);
  }

  constants(learningRate: number): AdamConstants {
    return {
      beta1: f32(this.beta1),
      beta2: f32(this.beta2),
      oneMinusBeta1: f32(1 - this.beta1),
      oneMinusBeta2: f32(1 - this.beta2),
      oneMinusAccBeta1: f32(1 - this.accBeta1),
      oneMinusAccBeta2: f32(1 - this.accBeta2),
      epsilon: f32(this.epsilon),
      negativeLearningRate: f32(-learningRate),
    };
  }

  /** After every step. */
  advance(): void {
    this.accBeta1 = f32(this.accBeta1 * f32(this.beta1));
    this.accBeta2 = f32(this.accBeta2 * f32(this.beta2));
  }
}

/** Registers the kernel for wasm and cpu (idempotent); other backends keep tfjs's Adam. */
export function registerFusedAdam(): void {
  registerOwnKernel(FUSED_ADAM_KERNEL, (backendName) => (backendName === 'wasm' ? wasmAdam : cpuAdam));
}

/** Whether the active backend runs the fused kernel. */
export const fusedAdamAvailable = (): boolean => ownKernelAvailable(FUSED_ADAM_KERNEL);

/**
 * The optimiser interface of tf.train.adam that the training loop uses, on the fused kernel.
 * Moments are created (as zeros) the first time a variable receives a gradient.
 */
export class FusedAdam {
  learningRate: number;
  private readonly schedule: AdamSchedule;
  private readonly moments = new Map<string, { m: tf.Variable; v: tf.Variable }>();

  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null) {
    this.learningRate = learningRate;
    this.schedule = new AdamSchedule(beta1, beta2, epsilon ?? undefined);
  }

  setLearningRate(learningRate: number): void {
    this.learningRate = learningRate;
  }

  applyGradients(variableGradients: tf.NamedTensorMap | Array<{ name: string; tensor: tf.Tensor }>): void {
    const gradients: tf.NamedTensorMap = Array.isArray(variableGradients)
      ? Object.fromEntries(variableGradients.map((g) => [g.name, g.tensor]))
      : variableGradients;
    const attrs = this.schedule.constants(this.learningRate);
    tf.tidy(() => {
      for (const [name, gradient] of Object.entries(gradients)) {
        const value = tf.engine().registeredVariables[name];
        if (!value) throw new Error(`FusedAdam: no variable named '${name}'`);
        let moments = this.moments.get(name);
        if (!moments) {
          moments = { m: tf.variable(tf.zerosLike(value), false), v: tf.variable(tf.zerosLike(value), false) };
          this.moments.set(name, moments);
        }
        const inputs = { value, gradient, m: moments.m, v: moments.v };
        const [w2, m2, v2] = tf.engine().runKernel(FUSED_ADAM_KERNEL, inputs, attrs as unknown as NamedAttrMap) as tf.Tensor[];
        moments.m.assign(m2);
        moments.v.assign(v2);
        value.assign(w2);
      }
    });
    this.schedule.advance();
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
