import { Rng } from '../../harness/engine/rng.ts';
import type { Dataset } from '../../harness/engine/types.ts';
import type { RawImages } from './raw.ts';

function indicesByClass(labels: Int32Array, classes: number): number[][] {
  const by: number[][] = Array.from({ length: classes }, () => []);
  labels.forEach((y, i) => by[y].push(i));
  return by;
}

/** Splits `total` over classes in proportion to their sizes (largest remainder, ties to the lower class). */
export function proportionalCounts(sizes: number[], total: number): number[] {
  const n = sizes.reduce((a, b) => a + b, 0);
  if (total > n) throw new Error(`cannot take ${total} samples from ${n}`);
  const exact = sizes.map((s) => (s * total) / n);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => ({ i, r: e - Math.floor(e) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    counts[i]++;
    left--;
  }
  return counts;
}

/**
 * A seeded, class-stratified split of sample indices: `count` samples (spread over the classes in
 * proportion to their sizes) in `selected`, the rest in `rest`, both in ascending index order.
 */
export function stratifiedSplit(labels: Int32Array, count: number, seed: number, classes = 10): { selected: Int32Array; rest: Int32Array } {
  const byClass = indicesByClass(labels, classes);
  const counts = proportionalCounts(byClass.map((c) => c.length), count);
  const rng = new Rng(seed);
  const chosen = new Uint8Array(labels.length);
  byClass.forEach((indices, c) => {
    const shuffled = rng.fork(`class:${c}`).shuffle([...indices]);
    for (let k = 0; k < counts[c]; k++) chosen[shuffled[k]] = 1;
  });
  const selected: number[] = [];
  const rest: number[] = [];
  chosen.forEach((v, i) => (v ? selected : rest).push(i));
  return { selected: Int32Array.from(selected), rest: Int32Array.from(rest) };
}

/** Images at the given indices as a Dataset with pixels scaled to [0, 1]. */
export function toDataset(raw: RawImages, indices: Int32Array, classes = 10): Dataset {
  const size = raw.shape[0] * raw.shape[1] * raw.shape[2];
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const src = raw.pixels.subarray(i * size, (i + 1) * size);
    for (let p = 0; p < size; p++) x[k * size + p] = src[p] / 255;
    y[k] = raw.labels[i];
  }
  return { n: indices.length, inputShape: [size], x, y, outputSize: classes };
}
