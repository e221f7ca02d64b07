import type { ShapeMap, WeightMap } from '../../engine/types.ts';
import { MethodResultError } from './mask-selection.ts';

/** What a record says about the weights a strong-ticket method recycled: per layer, how many values changed. */
export interface RecyclingSummary {
  layers: Array<{ name: string; changed: number }>;
}

/**
 * Checks the weight values a strong-ticket method returned (weight recycling, e.g. IWR) and
 * returns the network's weights with them in place. A returned layer must be a prunable
 * parameter, a Float32Array of its size, and hold nothing but values of that same layer at
 * initialisation (compared as float32, so a trained or rescaled value is refused whatever its
 * size); a layer the method does not return keeps its initial values.
 */
export function applyRecycledWeights(
  recycled: unknown,
  initial: WeightMap,
  names: readonly string[],
  shapes: ShapeMap,
): { weights: WeightMap; summary: RecyclingSummary } {
  if (typeof recycled !== 'object' || recycled === null)
    throw new MethodResultError('recycledWeights must map prunable parameter names to Float32Arrays');
  const returned = recycled as Record<string, unknown>;
  const weights: WeightMap = { ...initial };
  const summary: RecyclingSummary = { layers: [] };
  for (const name of Object.keys(returned)) {
    if (!names.includes(name)) throw new MethodResultError(`recycledWeights name '${name}', which is not a prunable parameter`);
    const values = returned[name];
    const size = shapes[name].reduce((a, b) => a * b, 1);
    if (!(values instanceof Float32Array)) throw new MethodResultError(`recycledWeights for '${name}' must be a Float32Array`);
    if (values.length !== size)
      throw new MethodResultError(
        `recycledWeights for '${name}' have ${values.length} values, the parameter has ${size} (shape [${shapes[name]}])`,
      );
    const own = initial[name];
    const allowed = new Set<number>(own);
    let changed = 0;
    for (let i = 0; i < values.length; i++) {
      if (!allowed.has(values[i]))
        throw new MethodResultError(
          `recycledWeights for '${name}' hold ${values[i]} at index ${i}, which is not one of that layer's initial values`,
        );
      if (!Object.is(values[i], own[i])) changed++;
    }
    weights[name] = Float32Array.from(values);
    summary.layers.push({ name, changed });
  }
  return { weights, summary };
}
