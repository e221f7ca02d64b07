import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ownKernelAvailable, kernelCaller, registerOwnKernel } from './direct-kernels.ts';

/**
 * w ⊙ m + 0 as one kernel (the backend's Multiply and Add, with the 0 made on the backend instead
 * of uploaded each time): the mask re-application after every optimiser step. Adding 0 turns the
 * −0 of a negative weight times 0 into +0, so pruned weights are exactly 0.0.
 */
const APPLY_MASK = 'PruneBenchApplyMask';

function applyMaskKernel(backendName: string): KernelFunc {
  return ({ inputs, backend }) => {
    const { x, mask } = inputs as { x: TensorInfo; mask: TensorInfo };
    const { run, free, scalar } = kernelCaller(backendName, backend, APPLY_MASK);
    const product = run('Multiply', { a: x, b: mask });
    const zero = scalar(0);
    const out = run('Add', { a: product, b: zero });
    free(product, zero);
    return out;
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
