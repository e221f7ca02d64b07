import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { DirectKernels, ownKernelAvailable, registerOwnKernel } from './direct-kernels.ts';

/**
 * A masked dense layer, y = relu(x·(W⊙M) + b), as one operation for training: a forward and a
 * backward kernel that call the backend's own Multiply, BatchMatMul, Add, Relu, Step, Cast, Sum and
 * Reshape kernels directly, in the order tfjs's gradients call them, so values and gradients are
 * bit-identical to the unfused ops (tests compare them). It spares tfjs's engine per-operation
 * bookkeeping — recording each op on the tape and cloning every input it saves — which was a sixth
 * of a LeNet-300-100 training step.
 */
const FORWARD = 'PruneBenchDenseForward';
const BACKWARD = 'PruneBenchDenseBackward';

export interface DenseForwardInputs {
  x: TensorInfo;
  w: TensorInfo;
  b: TensorInfo;
  mask?: TensorInfo;
}

/** Outputs: relu → [y, z(, W⊙M)]; linear → [z(, W⊙M)]. Also the whole-step trainer's forward pass. */
export function denseForward(k: DirectKernels, { x, w, b, mask }: DenseForwardInputs, relu: boolean): TensorInfo[] {
  const masked = mask ? k.run('Multiply', { a: w, b: mask }) : null;
  const product = k.run('BatchMatMul', { a: x, b: masked ?? w }, { transposeA: false, transposeB: false });
  const z = k.run('Add', { a: product, b });
  k.free(product);
  const outputs = relu ? [k.run('Relu', { x: z }), z] : [z];
  return masked ? [...outputs, masked] : outputs;
}

export interface DenseBackwardInputs {
  dy: TensorInfo;
  x: TensorInfo;
  /** The pre-activation, for a relu layer. */
  z?: TensorInfo;
  /** The weights the forward pass multiplied by (W⊙M when masked). */
  weights: TensorInfo;
  mask?: TensorInfo;
}

export interface DenseBackwardOptions {
  relu: boolean;
  needDx: boolean;
  biasShape: number[];
}

/** Outputs: [dW, db(, dx)], as tfjs's Relu, Add, BatchMatMul and Multiply gradients compute them. */
export function denseBackward(
  k: DirectKernels,
  { dy, x, z, weights, mask }: DenseBackwardInputs,
  { relu, needDx, biasShape }: DenseBackwardOptions,
): TensorInfo[] {
  let dz = dy;
  const temporaries: TensorInfo[] = [];
  if (relu) {
    const step = k.run('Step', { x: z! }, { alpha: 0 });
    const stepFloat = k.run('Cast', { x: step }, { dtype: 'float32' });
    dz = k.run('Multiply', { a: dy, b: stepFloat });
    temporaries.push(step, stepFloat, dz);
  }
  const biasSum = k.run('Sum', { x: dz }, { axis: [0], keepDims: false });
  const db = k.run('Reshape', { x: biasSum }, { shape: biasShape });
  temporaries.push(biasSum);
  // (tfjs reshapes dz to the product's shape first: the same shape, a no-op on the values.)
  const dMasked = k.run('BatchMatMul', { a: x, b: dz }, { transposeA: true, transposeB: false });
  let dW = dMasked;
  if (mask) {
    const maskFloat = k.run('Cast', { x: mask }, { dtype: 'float32' });
    dW = k.run('Multiply', { a: dMasked, b: maskFloat });
    temporaries.push(maskFloat, dMasked);
  }
  const outputs = [dW, db];
  if (needDx) outputs.push(k.run('BatchMatMul', { a: dz, b: weights }, { transposeA: false, transposeB: true }));
  k.free(...temporaries);
  return outputs;
}

function forwardKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) =>
    denseForward(
      new DirectKernels(backendName, backend, FORWARD),
      inputs as unknown as DenseForwardInputs,
      (attrs as unknown as { relu: boolean }).relu,
    );
}

function backwardKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) =>
    denseBackward(
      new DirectKernels(backendName, backend, BACKWARD),
      inputs as unknown as DenseBackwardInputs,
      attrs as unknown as DenseBackwardOptions,
    );
}

/** Registers both kernels for wasm and cpu (idempotent). */
export function registerFusedDense(): void {
  registerOwnKernel(FORWARD, forwardKernel);
  registerOwnKernel(BACKWARD, backwardKernel);
}

export const fusedDenseAvailable = (): boolean => ownKernelAvailable(FORWARD);

/**
 * relu(x·(W⊙M) + b) (or without relu) with the fused kernels. `xNeedsGradient` false: x is data
 * (the network's input), so no gradient is computed for it, as tfjs computes none either.
 */
export function fusedDense(
  x: tf.Tensor2D,
  weights: tf.Tensor2D,
  bias: tf.Tensor1D,
  mask: tf.Tensor | null,
  relu: boolean,
  xNeedsGradient: boolean,
): tf.Tensor2D {
  const layer = (input: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const inputs: tf.NamedTensorMap = mask ? { x: input, w, b, mask } : { x: input, w, b };
    const outputs = tf.engine().runKernel(FORWARD, inputs, { relu } as unknown as NamedAttrMap) as tf.Tensor[];
    const value = outputs[0];
    // tfjs frees every tensor of the forward pass but those saved (it clones them), the input
    // included; the weights are variables and stay.
    save([input, ...(relu ? [outputs[1]] : []), ...(mask ? [outputs[outputs.length - 1]] : [])]);
    return {
      value: value as tf.Tensor2D,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const savedZ = relu ? saved[1] : null;
        const savedWeights = mask ? saved[saved.length - 1] : w;
        const backwardInputs: tf.NamedTensorMap = { dy, x: saved[0], weights: savedWeights };
        if (savedZ) backwardInputs.z = savedZ;
        if (mask) backwardInputs.mask = mask;
        const attrs = { relu, needDx: xNeedsGradient, biasShape: b.shape } as unknown as NamedAttrMap;
        const [dW, db, dx] = tf.engine().runKernel(BACKWARD, backwardInputs, attrs) as tf.Tensor[];
        return xNeedsGradient ? [dx, dW, db] : [dW, db];
      },
    };
  };
  type Args = Array<tf.Tensor | tf.GradSaveFunc>;
  if (xNeedsGradient) {
    const op = tf.customGrad((...args: Args) =>
      layer(args[0] as tf.Tensor2D, args[1] as tf.Tensor2D, args[2] as tf.Tensor1D, args[3] as tf.GradSaveFunc),
    );
    return op(x, weights, bias) as tf.Tensor2D;
  }
  const op = tf.customGrad((...args: Args) => layer(x, args[0] as tf.Tensor2D, args[1] as tf.Tensor1D, args[2] as tf.GradSaveFunc));
  return op(weights, bias) as tf.Tensor2D;
}
