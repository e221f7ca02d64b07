import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { DirectKernels, ownKernelAvailable, registerOwnKernel } from './direct-kernels.ts';

/**
 * The classification loss −mean(Σ targets ⊙ logSoftmax(logits)) as one operation for training:
 * a forward and a backward kernel calling the backend's own kernels in the order tfjs's
 * logSoftmax, mul, sum, mean and neg (and their gradients) call them, so the loss and its gradient
 * are bit-identical to the plain ops (tests compare them) with a tenth of the engine operations.
 * Where tfjs multiplies by a tensor of ones or reshapes without changing a value, nothing is done.
 */
const FORWARD = 'PruneBenchSoftmaxCrossEntropy';
const BACKWARD = 'PruneBenchSoftmaxCrossEntropyGrad';

/** Outputs [loss, logProbs]. Also the whole-step trainer's loss. */
export function crossEntropyForward(k: DirectKernels, logits: TensorInfo, targets: TensorInfo): TensorInfo[] {
  const max = k.run('Max', { x: logits }, { reductionIndices: 1, keepDims: true });
  const shifted = k.run('Sub', { a: logits, b: max });
  const shiftedFloat = k.run('Cast', { x: shifted }, { dtype: 'float32' });
  const exps = k.run('Exp', { x: shifted });
  const expSum = k.run('Sum', { x: exps }, { axis: 1, keepDims: true });
  const logSum = k.run('Log', { x: expSum });
  const logProbs = k.run('Sub', { a: shiftedFloat, b: logSum });
  const products = k.run('Multiply', { a: targets, b: logProbs });
  const rowSums = k.run('Sum', { x: products }, { axis: 1, keepDims: false });
  const mean = k.run('Mean', { x: rowSums }, { axis: null, keepDims: false });
  const loss = k.run('Neg', { x: mean });
  k.free(max, shifted, shiftedFloat, exps, expSum, logSum, products, rowSums, mean);
  return [loss, logProbs];
}

/** The gradient with respect to the logits, given the gradient dy of the loss. */
export function crossEntropyBackward(
  k: DirectKernels,
  dy: TensorInfo,
  logProbs: TensorInfo,
  targets: TensorInfo,
  batchSize: number,
): TensorInfo {
  // neg → mean (÷ batch size) → sum (broadcast) → mul (by the targets) → logSoftmax.
  const negated = k.run('Neg', { x: dy });
  const size = k.scalar(batchSize);
  const perRow = k.run('RealDiv', { a: negated, b: size });
  const dLogProbs = k.run('Multiply', { a: perRow, b: targets });
  const softmax = k.run('Exp', { x: logProbs });
  const dSum = k.run('Sum', { x: dLogProbs }, { axis: 1, keepDims: true });
  const scaled = k.run('Multiply', { a: dSum, b: softmax });
  const dLogits = k.run('Sub', { a: dLogProbs, b: scaled });
  k.free(negated, size, perRow, dLogProbs, softmax, dSum, scaled);
  return dLogits;
}

/**
 * The regression loss mean(Σ (outputs − targets)²) for the whole-step trainer, as tfjs's sub,
 * square, sum and mean compute it. Outputs [loss, outputs − targets].
 */
export function squaredErrorForward(k: DirectKernels, outputs: TensorInfo, targets: TensorInfo): TensorInfo[] {
  const difference = k.run('Sub', { a: outputs, b: targets });
  const squares = k.run('Square', { x: difference });
  const rowSums = k.run('Sum', { x: squares }, { axis: 1, keepDims: false });
  const loss = k.run('Mean', { x: rowSums }, { axis: null, keepDims: false });
  k.free(squares, rowSums);
  return [loss, difference];
}

/** The gradient with respect to the outputs: tfjs's Mean, Sum, Square and Sub gradients (less their products with ones). */
export function squaredErrorBackward(k: DirectKernels, dy: TensorInfo, difference: TensorInfo, batchSize: number): TensorInfo {
  const size = k.scalar(batchSize);
  const perRow = k.run('RealDiv', { a: dy, b: size });
  const two = k.scalar(2);
  const doubled = k.run('Multiply', { a: difference, b: two });
  const dOutputs = k.run('Multiply', { a: perRow, b: doubled });
  k.free(size, perRow, two, doubled);
  return dOutputs;
}

function forwardKernel(backendName: string): KernelFunc {
  return ({ inputs, backend }) => {
    const { logits, targets } = inputs as { logits: TensorInfo; targets: TensorInfo };
    return crossEntropyForward(new DirectKernels(backendName, backend, FORWARD), logits, targets);
  };
}

function backwardKernel(backendName: string): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { dy, logProbs, targets } = inputs as { dy: TensorInfo; logProbs: TensorInfo; targets: TensorInfo };
    const { batchSize } = attrs as unknown as { batchSize: number };
    return crossEntropyBackward(new DirectKernels(backendName, backend, BACKWARD), dy, logProbs, targets, batchSize);
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
        tf.engine().runKernel(BACKWARD, { dy, logProbs: saved[0], targets: saved[1] }, {
          batchSize: input.shape[0],
        } as unknown as NamedAttrMap) as tf.Tensor,
    };
  });
  return op(logits) as tf.Scalar;
}
