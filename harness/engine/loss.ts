import * as tf from '@tensorflow/tfjs-core';
import type { TaskKind } from './types.ts';

/** Mean loss of a batch: softmax cross-entropy on logits, or mean squared error. */
export function taskLoss(kind: TaskKind, outputs: tf.Tensor, targets: tf.Tensor2D): tf.Scalar {
  if (kind === 'classification') {
    const logProbs = tf.logSoftmax(outputs as tf.Tensor2D);
    return tf.neg(tf.mean(tf.sum(tf.mul(targets, logProbs), 1))) as tf.Scalar;
  }
  return tf.mean(tf.sum(tf.square(tf.sub(outputs, targets)), 1)) as tf.Scalar;
}
