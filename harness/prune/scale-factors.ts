import type { ShapeMap, WeightMap } from '../../engine/types.ts';
import { MethodResultError } from './mask-selection.ts';

/**
 * Bounds on one scale factor. Per-unit factors cannot encode arbitrary weights (one number per
 * output unit), and the bound keeps them from blowing a unit up or switching it off in all but name.
 */
export const MIN_SCALE_FACTOR = 1e-3;
export const MAX_SCALE_FACTOR = 1e3;

/** What a record says about the rescaling an init method asked for: per returned layer, its factors by output unit. */
export interface RescalingSummary {
  layers: Array<{ name: string; factors: number[] }>;
}

/**
 * Checks the per-unit scale factors an `init` method returned (e.g. the rescaling of Hayou et al.
 * 2021) and returns the initial weights with them applied. A returned layer must be a prunable
 * parameter and its factors a Float32Array with one entry per output unit (the kernel's last
 * dimension: dense units or conv filters), each finite and within [MIN_SCALE_FACTOR,
 * MAX_SCALE_FACTOR]; weight i of a kernel belongs to unit i mod units. Layers not returned keep
 * their initial values exactly.
 */
export function applyScaleFactors(
  returnedFactors: unknown,
  initial: WeightMap,
  names: readonly string[],
  shapes: ShapeMap,
): { weights: WeightMap; summary: RescalingSummary } {
  if (typeof returnedFactors !== 'object' || returnedFactors === null)
    throw new MethodResultError('scaleFactors must map prunable parameter names to Float32Arrays');
  const returned = returnedFactors as Record<string, unknown>;
  const weights: WeightMap = { ...initial };
  const summary: RescalingSummary = { layers: [] };
  for (const name of Object.keys(returned)) {
    if (!names.includes(name)) throw new MethodResultError(`scaleFactors name '${name}', which is not a prunable parameter`);
    const factors = returned[name];
    if (!(factors instanceof Float32Array)) throw new MethodResultError(`scaleFactors for '${name}' must be a Float32Array`);
    const shape = shapes[name];
    const units = shape[shape.length - 1];
    if (factors.length !== units)
      throw new MethodResultError(
        `scaleFactors for '${name}' have ${factors.length} values, the layer has ${units} output units (shape [${shape}])`,
      );
    for (let unit = 0; unit < units; unit++) {
      const f = factors[unit];
      if (!Number.isFinite(f) || !(f >= MIN_SCALE_FACTOR && f <= MAX_SCALE_FACTOR)) {
        throw new MethodResultError(
          `scaleFactors for '${name}' hold ${f} at unit ${unit}: a factor must be finite and in [${MIN_SCALE_FACTOR}, ${MAX_SCALE_FACTOR}]`,
        );
      }
    }
    const own = initial[name];
    const scaled = new Float32Array(own.length);
    for (let i = 0; i < own.length; i++) scaled[i] = own[i] * factors[i % units];
    weights[name] = scaled;
    summary.layers.push({ name, factors: Array.from(factors) });
  }
  return { weights, summary };
}
