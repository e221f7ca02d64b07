import type { WeightMap } from '../types.ts';
import { requireUniqueNames } from './argument-checks.ts';

export interface LayerSparsity {
  name: string;
  total: number;
  zeros: number;
  sparsity: number;
}

export interface SparsityMeasurement {
  target: number;
  /** Zeros among all prunable weights / prunable weights. */
  global: number;
  layers: LayerSparsity[];
}

export interface ParameterCounts {
  /** Every parameter in the weight map, prunable or not (biases included). */
  total: number;
  prunable: number;
  /** Non-zero prunable weights. */
  remaining: number;
}

/** Sparsity of the prunable weights, globally and per parameter, in the order of `prunableNames`. Counts exact zeros; −0 is a zero, NaN is not. */
export function measureSparsity(weights: WeightMap, prunableNames: readonly string[], target: number): SparsityMeasurement {
  const fn = 'measureSparsity';
  if (!(target >= 0 && target <= 1)) throw new Error(`${fn}: target = ${target} is not a sparsity in [0, 1]`);
  requireUniqueNames(fn, 'prunableNames', prunableNames);
  const layers = prunableNames.map((name) => {
    const values = prunableWeights(fn, weights, name);
    if (values.length === 0) throw new Error(`${fn}: weights['${name}'] is empty, so its sparsity is undefined`);
    const zeros = countZeros(values);
    return { name, total: values.length, zeros, sparsity: zeros / values.length };
  });
  const total = layers.reduce((sum, l) => sum + l.total, 0);
  const zeros = layers.reduce((sum, l) => sum + l.zeros, 0);
  return { target, global: zeros / total, layers };
}

export function parameterCounts(weights: WeightMap, prunableNames: readonly string[]): ParameterCounts {
  const fn = 'parameterCounts';
  requireUniqueNames(fn, 'prunableNames', prunableNames);
  let prunable = 0;
  let remaining = 0;
  for (const name of prunableNames) {
    const values = prunableWeights(fn, weights, name);
    prunable += values.length;
    remaining += values.length - countZeros(values);
  }
  const total = Object.values(weights).reduce((sum, values) => sum + values.length, 0);
  return { total, prunable, remaining };
}

/**
 * True when the measured sparsity is more than `tolerance` away from the target (docs/protocol.md, Sparsity: 0.1 percentage
 * point = 0.001). A miss of exactly the tolerance passes: 1e-12 of slack absorbs the rounding of the
 * subtraction, e.g. 0.9 − 0.899 = 0.0010000000000000009 in doubles.
 */
export function sparsityMissesTarget(measured: number, target: number, tolerance = 0.001): boolean {
  for (const [argument, value] of [
    ['measured', measured],
    ['target', target],
  ] as const) {
    if (!(value >= 0 && value <= 1)) throw new Error(`sparsityMissesTarget: ${argument} = ${value} is not a sparsity in [0, 1]`);
  }
  if (!(tolerance >= 0)) throw new Error(`sparsityMissesTarget: tolerance = ${tolerance} must be a non-negative number`);
  return Math.abs(measured - target) > tolerance + 1e-12;
}

function prunableWeights(fn: string, weights: WeightMap, name: string): Float32Array {
  if (!Object.hasOwn(weights, name)) throw new Error(`${fn}: prunableNames lists '${name}', which weights does not contain`);
  return weights[name];
}

/** Exact zeros in an array; −0 === 0, so −0 counts, NaN does not. */
export function countZeros(values: Float32Array): number {
  let zeros = 0;
  for (let i = 0; i < values.length; i++) if (values[i] === 0) zeros++;
  return zeros;
}
