import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { DirectKernels, ownKernelAvailable, registerOwnKernel } from './direct-kernels.ts';

/**
 * w ⊙ m + 0 as one kernel (the backend's Multiply and Add, with the 0 made on the backend instead
 * of uploaded each time): the mask re-application after every optimiser step. Adding 0 turns the
 * −0 of a negative weight times 0 into +0, so pruned weights are exactly 0.0.
 */
const APPLY_MASK = 'PruneBenchApplyMask';

/** w ⊙ m + 0 on the backend: a new tensor. Also the whole-step trainer's mask re-application. */
export function maskedCopy(k: DirectKernels, x: TensorInfo, mask: TensorInfo): TensorInfo {
  const product = k.run('Multiply', { a: x, b: mask });
  const zero = k.scalar(0);
  const out = k.run('Add', { a: product, b: zero });
  k.free(product, zero);
  return out;
}

function applyMaskKernel(backendName: string): KernelFunc {
  return ({ inputs, backend }) => {
    const { x, mask } = inputs as { x: TensorInfo; mask: TensorInfo };
    return maskedCopy(new DirectKernels(backendName, backend, APPLY_MASK), x, mask);
  };
}

export function registerFusedMask(): void {
  registerOwnKernel(APPLY_MASK, applyMaskKernel);
}

/** w ⊙ m + 0, bit-identical to tf.add(tf.mul(w, m), 0). */
export function applyMask(weights: tf.Tensor, mask: tf.Tensor): tf.Tensor {
  if (!ownKernelAvailable(APPLY_MASK)) return tf.add(tf.mul(weights, mask), 0);
  return tf.engine().runKernel(APPLY_MASK, { x: weights, mask }) as tf.Tensor;
}
