import type { MaskMap, ShapeMap, WeightMap } from '../engine/types.ts';
import type { PruningScope } from '../method-api.ts';

export class MethodResultError extends Error {}

/** Number of weights kept when `sparsity` of `total` are removed. */
export function keepCountFor(total: number, sparsity: number): number {
  return total - Math.round(sparsity * total);
}

function checkScores(scores: WeightMap, names: readonly string[], shapes: ShapeMap): void {
  for (const name of names) {
    const s = scores[name];
    if (!s) throw new MethodResultError(`scores are missing parameter '${name}'`);
    const size = shapes[name].reduce((a, b) => a * b, 1);
    if (s.length !== size) throw new MethodResultError(`scores for '${name}' have ${s.length} values, the parameter has ${size} (shape [${shapes[name]}])`);
    for (let i = 0; i < s.length; i++) {
      if (Number.isNaN(s[i])) throw new MethodResultError(`scores for '${name}' contain NaN at index ${i}`);
    }
  }
  for (const name of Object.keys(scores)) {
    if (!names.includes(name)) throw new MethodResultError(`scores name '${name}', which is not a prunable parameter`);
  }
}

/** Indices of the `keep` largest values, ties broken by lowest index. */
function topIndices(values: Float64Array | Float32Array, keep: number): Int32Array {
  const order = Int32Array.from({ length: values.length }, (_, i) => i);
  order.sort((a, b) => (values[b] - values[a]) || (a - b));
  return order.subarray(0, keep);
}

/**
 * Keeps the highest scores to the exact count. Global scope ranks all prunable weights together
 * (flat index = position in the concatenation of the prunable parameters, in network order);
 * layerwise scope keeps round((1 − sparsity) · n) in every layer.
 */
export function masksFromScores(scores: WeightMap, names: readonly string[], shapes: ShapeMap, sparsity: number, scope: PruningScope): MaskMap {
  checkScores(scores, names, shapes);
  const masks: MaskMap = {};
  if (scope === 'layerwise') {
    for (const name of names) {
      const s = scores[name];
      const mask = new Float32Array(s.length);
      for (const i of topIndices(s, keepCountFor(s.length, sparsity))) mask[i] = 1;
      masks[name] = mask;
    }
    return masks;
  }
  const total = names.reduce((sum, n) => sum + scores[n].length, 0);
  const flat = new Float64Array(total);
  let offset = 0;
  for (const name of names) {
    flat.set(scores[name], offset);
    offset += scores[name].length;
  }
  const keepFlat = new Uint8Array(total);
  for (const i of topIndices(flat, keepCountFor(total, sparsity))) keepFlat[i] = 1;
  offset = 0;
  for (const name of names) {
    const n = scores[name].length;
    masks[name] = Float32Array.from(keepFlat.subarray(offset, offset + n));
    offset += n;
  }
  return masks;
}

/** Validates explicit masks: every prunable parameter present, right size, values exactly 0 or 1. */
export function checkMasks(masks: MaskMap, names: readonly string[], shapes: ShapeMap): void {
  for (const name of names) {
    const m = masks[name];
    if (!m) throw new MethodResultError(`masks are missing parameter '${name}'`);
    const size = shapes[name].reduce((a, b) => a * b, 1);
    if (m.length !== size) throw new MethodResultError(`mask for '${name}' has ${m.length} values, the parameter has ${size} (shape [${shapes[name]}])`);
    for (let i = 0; i < m.length; i++) {
      if (m[i] !== 0 && m[i] !== 1) throw new MethodResultError(`mask for '${name}' is not binary: value ${m[i]} at index ${i}`);
    }
  }
  for (const name of Object.keys(masks)) {
    if (!names.includes(name)) throw new MethodResultError(`masks name '${name}', which is not a prunable parameter`);
  }
}

export function countKept(masks: MaskMap, names: readonly string[]): number {
  let kept = 0;
  for (const name of names) for (const v of masks[name]) kept += v;
  return kept;
}
