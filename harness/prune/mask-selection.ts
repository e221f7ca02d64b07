import type { MaskMap, ShapeMap, WeightMap } from '../../engine/types.ts';
import type { PruningScope } from '../../api/method-api.ts';
import { largestMask } from '../../api/method-kit/largest-mask.ts';
import { Rng } from '../../engine/rng.ts';

export class MethodResultError extends Error {}

/**
 * Number of weights kept when `sparsity` of `total` are removed: total − round(sparsity · total),
 * with sparsity · total computed in float64 and halves rounded up (Math.round). Globally `total` is
 * every prunable weight; layerwise it is each layer's size. This is not round((1 − s) · total):
 * the two differ when s · total ends in .5 (s = 0.25 of 10 weights keeps 10 − 3 = 7, not 8).
 */
export function keepCountFor(total: number, sparsity: number): number {
  return total - Math.round(sparsity * total);
}

/**
 * The mask of the `count` highest scores, ties at the cut broken by a seeded draw: the weights
 * scoring strictly above the count-th highest score are kept, and the remaining places go to a
 * uniformly drawn subset (partial Fisher–Yates with `rng`) of the weights scoring exactly that
 * value, in index order. The draw depends only on the scores, the count and the seed, so it is the
 * same on every backend that gives the same scores.
 */
export function seededTopMask(scores: ArrayLike<number>, count: number, rng: Rng): Float32Array {
  const mask = largestMask(scores, count);
  if (count === 0 || count === scores.length) return mask;
  let threshold = Infinity;
  for (let i = 0; i < scores.length; i++) if (mask[i] === 1 && scores[i] < threshold) threshold = scores[i];
  const tied: number[] = [];
  let keptTied = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] !== threshold) continue;
    tied.push(i);
    keptTied += mask[i];
    mask[i] = 0;
  }
  for (let k = 0; k < keptTied; k++) {
    const j = k + rng.int(tied.length - k);
    const chosen = tied[j];
    tied[j] = tied[k];
    tied[k] = chosen;
    mask[chosen] = 1;
  }
  return mask;
}

export function checkScores(scores: WeightMap, names: readonly string[], shapes: ShapeMap): void {
  for (const name of names) {
    const s = scores[name];
    if (!s) throw new MethodResultError(`scores are missing parameter '${name}'`);
    const size = shapes[name].reduce((a, b) => a * b, 1);
    if (s.length !== size)
      throw new MethodResultError(`scores for '${name}' have ${s.length} values, the parameter has ${size} (shape [${shapes[name]}])`);
    for (let i = 0; i < s.length; i++) {
      if (Number.isNaN(s[i])) throw new MethodResultError(`scores for '${name}' contain NaN at index ${i}`);
    }
  }
  for (const name of Object.keys(scores)) {
    if (!names.includes(name)) throw new MethodResultError(`scores name '${name}', which is not a prunable parameter`);
  }
}

/**
 * Keeps the highest scores to the exact count (keepCountFor). Global scope ranks all prunable
 * weights together (flat index = position in the concatenation of the prunable parameters, in
 * network order); layerwise scope cuts every layer to its own count. Ties at the cut are broken by
 * a draw seeded by `tieSeed` (the job seed), one stream per layer when layerwise: see seededTopMask.
 */
export function masksFromScores(
  scores: WeightMap,
  names: readonly string[],
  shapes: ShapeMap,
  sparsity: number,
  scope: PruningScope,
  tieSeed: number,
): MaskMap {
  checkScores(scores, names, shapes);
  const ties = new Rng(tieSeed).fork('select:ties');
  if (scope === 'layerwise') {
    return Object.fromEntries(
      names.map((name) => [name, seededTopMask(scores[name], keepCountFor(scores[name].length, sparsity), ties.fork(name))]),
    );
  }
  const total = names.reduce((sum, n) => sum + scores[n].length, 0);
  const flat = new Float64Array(total);
  let offset = 0;
  for (const name of names) {
    flat.set(scores[name], offset);
    offset += scores[name].length;
  }
  const keepFlat = seededTopMask(flat, keepCountFor(total, sparsity), ties);
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
    if (m.length !== size)
      throw new MethodResultError(`mask for '${name}' has ${m.length} values, the parameter has ${size} (shape [${shapes[name]}])`);
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
