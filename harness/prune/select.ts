import type { MaskMap, ShapeMap, WeightMap } from '../engine/types.ts';
import type { PruningScope } from '../method-api.ts';
import { largestMask } from '../method-kit/largest-mask.ts';

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

/**
 * Keeps the highest scores to the exact count. Global scope ranks all prunable weights together
 * (flat index = position in the concatenation of the prunable parameters, in network order);
 * layerwise scope keeps round((1 − sparsity) · n) in every layer. Ties go to the lowest index.
 */
export function masksFromScores(scores: WeightMap, names: readonly string[], shapes: ShapeMap, sparsity: number, scope: PruningScope): MaskMap {
  checkScores(scores, names, shapes);
  if (scope === 'layerwise') {
    return Object.fromEntries(names.map((name) => [name, largestMask(scores[name], keepCountFor(scores[name].length, sparsity))]));
  }
  const total = names.reduce((sum, n) => sum + scores[n].length, 0);
  const flat = new Float64Array(total);
  let offset = 0;
  for (const name of names) {
    flat.set(scores[name], offset);
    offset += scores[name].length;
  }
  const keepFlat = largestMask(flat, keepCountFor(total, sparsity));
  const masks: MaskMap = {};
  offset = 0;
  for (const name of names) {
    const n = scores[name].length;
    masks[name] = keepFlat.slice(offset, offset + n);
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
