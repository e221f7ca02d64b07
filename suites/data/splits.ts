import type { Rng } from '../../engine/rng.ts';
import type { Dataset } from '../../engine/types.ts';
import { classCounts, imageSize, type RawImages } from './raw.ts';

/** How many samples to take: the same number from every class, or a total spread over the classes in proportion to their sizes. */
export type SampleCount = { perClass: number } | { total: number };

/** Splits `total` over classes in proportion to their sizes: largest remainder, ties to the lower class. */
export function proportionalCounts(sizes: readonly number[], total: number): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  if (!Number.isInteger(total) || total < 0 || total > n) throw new RangeError(`cannot take ${total} samples from ${n}`);
  if (total === 0) return sizes.map(() => 0);
  // Integer arithmetic, so that equal remainders compare equal and the tie rule decides.
  const counts = sizes.map((s) => Math.floor((s * total) / n));
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = sizes.map((s, i) => ({ i, remainder: (s * total) % n })).sort((a, b) => b.remainder - a.remainder || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    counts[i]++;
    left--;
  }
  return counts;
}

function countsFor(sizes: number[], count: SampleCount): number[] {
  if ('total' in count) return proportionalCounts(sizes, count.total);
  const k = count.perClass;
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`perClass must be a non-negative integer, got ${k}`);
  const short = sizes.findIndex((s) => s < k);
  if (short >= 0) throw new RangeError(`cannot take ${k} samples per class: class ${short} has ${sizes[short]}`);
  return sizes.map(() => k);
}

/**
 * A class-stratified random choice of sample indices: `selected` holds the chosen samples, `rest`
 * the others, both in ascending index order. Draws from `rng` (one shuffle per class, in class
 * order), so the same generator state always gives the same choice.
 */
export function stratifiedIndices(
  labels: Int32Array,
  classes: number,
  count: SampleCount,
  rng: Rng,
): { selected: Int32Array; rest: Int32Array } {
  const sizes = classCounts(labels, classes);
  const take = countsFor(sizes, count);
  const byClass = sizes.map((s) => new Int32Array(s));
  const filled = new Array<number>(classes).fill(0);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]][filled[labels[i]]++] = i;
  const chosen = new Uint8Array(labels.length);
  byClass.forEach((indices, c) => {
    rng.shuffle(indices);
    for (let k = 0; k < take[c]; k++) chosen[indices[k]] = 1;
  });
  const total = take.reduce((a, b) => a + b, 0);
  const selected = new Int32Array(total);
  const rest = new Int32Array(labels.length - total);
  let s = 0;
  let r = 0;
  for (let i = 0; i < labels.length; i++) {
    if (chosen[i]) selected[s++] = i;
    else rest[r++] = i;
  }
  return { selected, rest };
}

function classLabels(dataset: Dataset): Int32Array {
  if (!(dataset.y instanceof Int32Array))
    throw new TypeError('stratified sampling needs class labels (an Int32Array y); this data set is a regression one');
  return dataset.y;
}

/** The rows `indices` of a data set, in that order (groups carried along). */
export function takeRows(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const labels = classLabels(dataset);
  const rowSize = dataset.inputShape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(indices.length * rowSize);
  const y = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    x.set(dataset.x.subarray(i * rowSize, (i + 1) * rowSize), k * rowSize);
    y[k] = labels[i];
  }
  const out: Dataset = { n: indices.length, inputShape: [...dataset.inputShape], x, y, outputSize: dataset.outputSize };
  if (dataset.groups) out.groups = Int32Array.from(indices, (i) => dataset.groups![i]);
  return out;
}

/**
 * Carves a validation set of `validationSize` samples out of a training set, stratified by class
 * (each class contributes in proportion to its size), seeded by `rng`. Both parts keep the
 * original sample order.
 */
export function stratifiedSplit(dataset: Dataset, validationSize: number, rng: Rng): { train: Dataset; validation: Dataset } {
  const { selected, rest } = stratifiedIndices(classLabels(dataset), dataset.outputSize, { total: validationSize }, rng);
  return { train: takeRows(dataset, rest), validation: takeRows(dataset, selected) };
}

/** A stratified random subset, e.g. for tiny and smoke tasks: `{ perClass: k }` or `{ total: n }`. */
export function subsample(dataset: Dataset, perClassOrTotal: SampleCount, rng: Rng): Dataset {
  return takeRows(dataset, stratifiedIndices(classLabels(dataset), dataset.outputSize, perClassOrTotal, rng).selected);
}

const SCALE = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** Images at `indices` as a Dataset: pixels scaled to [0, 1] (divided by 255, nothing else), input shape [H, W, C]. */
export function imagesToDataset(raw: RawImages, indices: ArrayLike<number>, classes: number): Dataset {
  const size = imageSize(raw);
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const from = indices[k] * size;
    const to = k * size;
    for (let p = 0; p < size; p++) x[to + p] = SCALE[raw.pixels[from + p]];
    y[k] = raw.labels[indices[k]];
  }
  return { n: indices.length, inputShape: [...raw.shape], x, y, outputSize: classes };
}
