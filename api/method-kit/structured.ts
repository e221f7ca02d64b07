/**
 * Helpers for structured methods: per-unit sums over a kernel (weight i of a kernel belongs to
 * output unit i mod units, the kernel's last dimension), and N:M masks along a kernel's input
 * (reduction) dimension, in plain JavaScript and as a tfjs expression for training-time masking.
 */
import type * as tfcore from '@tensorflow/tfjs-core';
import type { PruneContext, WeightMap } from '../method-api.ts';
import { largestMask } from './largest-mask.ts';

/** Σ over each output unit's weights of f(weight, index): one number per unit (float64 sums, returned as float32). */
export function unitSums(values: ArrayLike<number>, units: number, f: (value: number, index: number) => number): Float32Array {
  const sums = new Float64Array(units);
  for (let i = 0; i < values.length; i++) sums[i % units] += f(values[i], i);
  return Float32Array.from(sums);
}

/** The layers a neuron/filter job removes units from (ctx.target.units), refused for any other job. */
export function unitLayers(
  ctx: Pick<PruneContext, 'target' | 'structure'>,
  methodId: string,
): ReadonlyArray<{ name: string; units: number; keep: number }> {
  if (ctx.structure.kind !== 'neuron' && ctx.structure.kind !== 'filter')
    throw new Error(`${methodId}: prunes whole units (neuron or filter jobs); this job's structure is ${ctx.structure.kind}`);
  return ctx.target.units ?? [];
}

/** The job's N and M, refused for a job of another structure. */
export function nmOf(ctx: Pick<PruneContext, 'structure'>, methodId: string): { n: number; m: number } {
  if (ctx.structure.kind !== 'n:m') throw new Error(`${methodId}: prunes to N:M groups; this job's structure is ${ctx.structure.kind}`);
  return { n: ctx.structure.n, m: ctx.structure.m };
}

/**
 * The N:M mask of `values` (a kernel of `shape`, output units last): in every group of M
 * consecutive reduction positions into each output, the N largest (a trailing shorter group keeps
 * min(N, its size)); ties go to the lowest index.
 */
export function nmLargestMask(values: ArrayLike<number>, shape: readonly number[], n: number, m: number): Float32Array {
  const outs = shape[shape.length - 1];
  const reduction = values.length / outs;
  const mask = new Float32Array(values.length);
  const group = new Float64Array(m);
  for (let j = 0; j < outs; j++) {
    for (let start = 0; start < reduction; start += m) {
      const size = Math.min(m, reduction - start);
      for (let k = 0; k < size; k++) group[k] = values[(start + k) * outs + j];
      const keep = largestMask(group.subarray(0, size), Math.min(n, size));
      for (let k = 0; k < size; k++) mask[(start + k) * outs + j] = keep[k];
    }
  }
  return mask;
}

/** nmLargestMask of |w| for every named kernel. */
export function nmMagnitudeMasks(
  weights: WeightMap,
  shapes: Record<string, readonly number[]>,
  names: readonly string[],
  n: number,
  m: number,
): WeightMap {
  return Object.fromEntries(names.map((name) => [name, nmLargestMask(weights[name].map(Math.abs), shapes[name], n, m)]));
}

/**
 * The N:M magnitude mask of a kernel tensor as a tfjs expression (no gradient flows through it):
 * 1 where |w| is at least the N-th largest |w| of its group. Ties at that value keep more than N;
 * with float weights they do not occur in practice, and the final mask is nmLargestMask's.
 */
export function nmMaskTensor(tf: typeof tfcore, kernel: tfcore.Tensor, n: number, m: number): tfcore.Tensor {
  return tf.tidy(() => {
    const outs = kernel.shape[kernel.shape.length - 1];
    const reduction = kernel.size / outs;
    const groups = Math.ceil(reduction / m);
    // [outs, reduction], padded with −1 (below every |w|) to whole groups, then [outs, groups, m].
    const byOutput = tf.transpose(tf.reshape(tf.abs(kernel), [reduction, outs]));
    const padded = tf.pad(
      byOutput,
      [
        [0, 0],
        [0, groups * m - reduction],
      ],
      -1,
    );
    const grouped = tf.reshape(padded, [outs, groups, m]);
    const nth = tf.slice(tf.topk(grouped, Math.min(n, m)).values, [0, 0, Math.min(n, m) - 1], [outs, groups, 1]);
    const keep = tf.cast(tf.greaterEqual(grouped, nth), 'float32');
    const back = tf.slice(tf.reshape(keep, [outs, groups * m]), [0, 0], [outs, reduction]);
    return tf.reshape(tf.transpose(back), kernel.shape);
  });
}
