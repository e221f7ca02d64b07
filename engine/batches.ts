import * as tf from '@tensorflow/tfjs-core';
import { sizeOf, type Dataset, type TaskKind } from './types.ts';
import type { Rng } from './rng.ts';

export interface Batch {
  x: tf.Tensor;
  /** One-hot float targets (classification) or regression targets, shape [b, outputSize]. */
  y: tf.Tensor2D;
  size: number;
  /** The rows' protected-attribute groups, only where the data set has them (Dataset.groups). */
  groups?: Int32Array;
}

export function taskKindOf(data: Dataset): TaskKind {
  return data.y instanceof Int32Array ? 'classification' : 'regression';
}

/** Copies the input rows `rows` of a data set, in order, into `into` (rows × row size). */
export function copyInputRows(data: Dataset, rows: ArrayLike<number>, into: Float32Array): void {
  const size = sizeOf(data.inputShape);
  for (let i = 0; i < rows.length; i++) {
    const from = rows[i] * size;
    // A view per row pays off only for wide rows; narrow ones (planted tasks) copy element by element.
    if (size >= 32) into.set(data.x.subarray(from, from + size), i * size);
    else for (let j = 0; j < size; j++) into[i * size + j] = data.x[from + j];
  }
}

/** The targets of `rows` into `into` (rows × outputSize): one-hot rows for class labels, else the regression targets. */
export function copyTargetRows(data: Dataset, rows: ArrayLike<number>, into: Float32Array): void {
  const k = data.outputSize;
  if (data.y instanceof Int32Array) {
    into.fill(0);
    for (let i = 0; i < rows.length; i++) into[i * k + data.y[rows[i]]] = 1;
  } else {
    for (let i = 0; i < rows.length; i++) for (let j = 0; j < k; j++) into[i * k + j] = data.y[rows[i] * k + j];
  }
}

/** Copies the rows `indices` of a data set into fresh tensors. */
export function gatherBatch(data: Dataset, indices: ArrayLike<number>): Batch {
  const b = indices.length;
  const x = new Float32Array(b * sizeOf(data.inputShape));
  copyInputRows(data, indices, x);
  const yValues = new Float32Array(b * data.outputSize);
  copyTargetRows(data, indices, yValues);
  const batch: Batch = { x: tf.tensor(x, [b, ...data.inputShape]), y: tf.tensor2d(yValues, [b, data.outputSize]), size: b };
  if (data.groups) batch.groups = Int32Array.from(indices, (row) => data.groups![row]);
  return batch;
}

/** Index ranges of one shuffled epoch (the last short batch is kept). */
export function epochOrder(n: number, batchSize: number, rng: Rng | null): Int32Array[] {
  const order = rng ? rng.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  const batches: Int32Array[] = [];
  for (let start = 0; start < n; start += batchSize) batches.push(order.subarray(start, Math.min(n, start + batchSize)));
  return batches;
}

/** Seeded batches drawn without replacement, cycling through reshuffled epochs as needed. */
export function* sampleBatches(data: Dataset, batchSize: number, count: number, rng: Rng): Generator<Batch> {
  let produced = 0;
  while (produced < count) {
    for (const idx of epochOrder(data.n, Math.min(batchSize, data.n), rng)) {
      if (produced >= count) return;
      yield gatherBatch(data, idx);
      produced++;
    }
  }
}

/** A subset of a data set by row indices (used for group and class-balanced views). */
export function subsetOf(data: Dataset, indices: ArrayLike<number>): Dataset {
  const n = indices.length;
  const x = new Float32Array(n * sizeOf(data.inputShape));
  copyInputRows(data, indices, x);
  let y: Int32Array | Float32Array;
  if (data.y instanceof Int32Array) {
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = data.y[indices[i]];
    y = labels;
  } else {
    const targets = new Float32Array(n * data.outputSize);
    for (let i = 0; i < n; i++)
      targets.set(data.y.subarray(indices[i] * data.outputSize, (indices[i] + 1) * data.outputSize), i * data.outputSize);
    y = targets;
  }
  const out: Dataset = { n, inputShape: data.inputShape, x, y, outputSize: data.outputSize };
  if (data.groups) {
    const g = new Int32Array(n);
    for (let i = 0; i < n; i++) g[i] = data.groups[indices[i]];
    out.groups = g;
  }
  return out;
}
