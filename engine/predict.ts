import * as tf from '@tensorflow/tfjs-core';
import type { MaskedNetwork } from './network.ts';
import { sizeOf, type Dataset } from './types.ts';
import { taskKindOf } from './batches.ts';

/**
 * Network outputs for a whole data set, in order: softmax probabilities (classification)
 * or raw outputs (regression), n × outputSize.
 */
/** Tensors the forward pass uses in place of the named parameters, built afresh for each batch (see TrainNetworkOptions.forwardWeights). */
export type ForwardOverride = () => Partial<Record<string, tf.Tensor>>;

export function predict(network: MaskedNetwork, data: Dataset, batchSize = 1000, override?: ForwardOverride): Float32Array {
  const out = new Float32Array(data.n * data.outputSize);
  const classification = taskKindOf(data) === 'classification';
  const rowSize = sizeOf(data.inputShape);
  for (let start = 0; start < data.n; start += batchSize) {
    const end = Math.min(data.n, start + batchSize);
    // Consecutive rows: one copy of the inputs (a copy, since the cpu backend keeps the array it is given).
    const values = tf.tidy(() => {
      const logits = network.forward(
        tf.tensor(data.x.slice(start * rowSize, end * rowSize), [end - start, ...data.inputShape]),
        override?.(),
      );
      return classification ? tf.softmax(logits as tf.Tensor2D) : logits;
    });
    out.set(values.dataSync() as Float32Array, start * data.outputSize);
    values.dispose();
  }
  return out;
}

/** Mean loss and accuracy (classification) or MSE (regression) on a data set: the validation score. */
export function quickScore(network: MaskedNetwork, data: Dataset, override?: ForwardOverride): { loss: number; accuracy: number | null } {
  const outputs = predict(network, data, 1000, override);
  const k = data.outputSize;
  if (data.y instanceof Int32Array) {
    let correct = 0;
    let nll = 0;
    for (let i = 0; i < data.n; i++) {
      let best = 0;
      for (let j = 1; j < k; j++) if (outputs[i * k + j] > outputs[i * k + best]) best = j;
      if (best === data.y[i]) correct++;
      nll -= Math.log(Math.max(outputs[i * k + data.y[i]], 1e-12));
    }
    return { loss: nll / data.n, accuracy: correct / data.n };
  }
  let se = 0;
  for (let i = 0; i < outputs.length; i++) se += (outputs[i] - data.y[i]) ** 2;
  return { loss: se / data.n, accuracy: null };
}
