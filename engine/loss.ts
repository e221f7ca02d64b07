import * as tf from '@tensorflow/tfjs-core';
import type { TaskKind } from './types.ts';
import { fusedLossAvailable, fusedSoftmaxCrossEntropy, registerFusedLoss } from './fused-loss.ts';

registerFusedLoss();

/**
 * Mean loss of a batch: softmax cross-entropy on logits, or mean squared error. `fused`: the
 * cross-entropy as one operation (engine/fused-loss.ts), bit-identical, for the training loop.
 */
export function taskLoss(kind: TaskKind, outputs: tf.Tensor, targets: tf.Tensor2D, options: { fused?: boolean } = {}): tf.Scalar {
  if (kind === 'classification') {
    if (options.fused && fusedLossAvailable()) return fusedSoftmaxCrossEntropy(outputs as tf.Tensor2D, targets);
    const logProbs = tf.logSoftmax(outputs as tf.Tensor2D);
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, logProbs), 1))) as tf.Scalar;
  }
  return tf.mean(tf.sum(tf.square(tf.sub(outputs, targets)), 1)) as tf.Scalar;
}
