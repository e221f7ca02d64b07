import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { ownKernelAvailable, kernelCaller, registerOwnKernel } from './direct-kernels.ts';

/**
 * The classification loss −mean(Σ targets ⊙ logSoftmax(logits)) as one operation for training:
 * a forward and a backward kernel calling the backend's own kernels in the order tfjs's
 * logSoftmax, mul, sum, mean and neg (and their gradients) call them, so the loss and its gradient
 * are bit-identical to the plain ops (tests compare them) with a tenth of the engine operations.
 * Where tfjs multiplies by a tensor of ones or reshapes without changing a value, nothing is done.
 */
const FORWARD = 'PruneBenchSoftmaxCrossEntropy';
const BACKWARD = 'PruneBenchSoftmaxCrossEntropyGrad';

/** Outputs [loss, logProbs]. */
function forwardKernel(backendName: string): KernelFunc {
  return ({ inputs, backend }) => {
    const { logits, targets } = inputs as { logits: TensorInfo; targets: TensorInfo };
    const { run, free } = kernelCaller(backendName, backend, FORWARD);
    const max = run('Max', { x: logits }, { reductionIndices: 1, keepDims: true });
    const shifted = run('Sub', { a: logits, b: max });
    const shiftedFloat = run('Cast', { x: shifted }, { dtype: 'float32' });
    const exps = run('Exp', { x: shifted });
    const expSum = run('Sum', { x: exps }, { axis: 1, keepDims: true });
    const logSum = run('Log', { x: expSum });
    const logProbs = run('Sub', { a: shiftedFloat, b: logSum });
    const products = run('Multiply', { a: targets, b: logProbs });
    const rowSums = run('Sum', { x: products }, { axis: 1, keepDims: false });
    const mean = run('Mean', { x: rowSums }, { axis: null, keepDims: false });
    const loss = run('Neg', { x: mean });
    free(max, shifted, shiftedFloat, exps, expSum, logSum, products, rowSums, mean);
    return [loss, logProbs];
  };
}

/** Output: the gradient with respect to the logits. */
function backwardKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, logProbs, targets } = inputs as { dy: TensorInfo; logProbs: TensorInfo; targets: TensorInfo };
    const { batchSize } = attrs as unknown as { batchSize: number };
    const { run, free, scalar } = kernelCaller(backendName, backend, BACKWARD);
    // neg → mean (÷ batch size) → sum (broadcast) → mul (by the targets) → logSoftmax.
    const negated = run('Neg', { x: dy });
    const size = scalar(batchSize);
    const perRow = run('RealDiv', { a: negated, b: size });
    const dLogProbs = run('Multiply', { a: perRow, b: targets });
    const softmax = run('Exp', { x: logProbs });
    const dSum = run('Sum', { x: dLogProbs }, { axis: 1, keepDims: true });
    const scaled = run('Multiply', { a: dSum, b: softmax });
    const dLogits = run('Sub', { a: dLogProbs, b: scaled });
    free(negated, size, perRow, dLogProbs, softmax, dSum, scaled);
    return dLogits;
  };
}

export function registerFusedLoss(): void {
  registerOwnKernel(FORWARD, forwardKernel);
  registerOwnKernel(BACKWARD, backwardKernel);
}

export const fusedLossAvailable = (): boolean => ownKernelAvailable(FORWARD);

/** −mean over rows of Σ targets ⊙ logSoftmax(logits), with the fused kernels. */
export function fusedSoftmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [input, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    const [loss, logProbs] = tf.engine().runKernel(FORWARD, { logits: input, targets }) as tf.Tensor[];
    // tfjs frees the forward pass's tensors but those saved; the targets may come from inside it too.
    save([logProbs, targets]);
    return {
      value: loss as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
        tf.engine().runKernel(BACKWARD, { dy, logProbs: saved[0], targets: saved[1] }, { batchSize: input.shape[0] } as unknown as NamedAttrMap) as tf.Tensor,
    };
  });
  return op(logits) as tf.Scalar;
}
