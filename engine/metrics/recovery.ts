import type { MaskMap } from '../types.ts';
import { requireUniqueNames } from './argument-checks.ts';

export interface RecoveryScores {
  /** Planted edges kept / edges kept. */
  precision: number;
  /** Planted edges kept / edges planted. */
  recall: number;
  /** |kept ∩ planted| / |kept ∪ planted|. */
  jaccard: number;
}

export interface LayerRecovery extends RecoveryScores {
  name: string;
}

export interface MaskRecovery extends RecoveryScores {
  layers: LayerRecovery[];
}

/**
 * How well a pruning mask recovers a planted ticket's ground-truth mask; the positive class is
 * "edge kept" (mask = 1) against "edge planted" (truth = 1). The overall scores pool the edge counts
 * of all named layers (micro-average), so large layers weigh more than in a mean of layer scores.
 * Every 0/0 is 0: precision when nothing is kept, recall when nothing is planted, and Jaccard when
 * both are empty — an empty mask never earns credit, even against an empty truth.
 */
export function maskRecovery(mask: MaskMap, truth: MaskMap, names: readonly string[]): MaskRecovery {
  const fn = 'maskRecovery';
  if (names.length === 0) throw new Error(`${fn}: names is empty`);
  requireUniqueNames(fn, 'names', names);
  const totals = { kept: 0, planted: 0, both: 0 };
  const layers = names.map((name) => {
    const m = binaryMask(fn, 'mask', mask, name);
    const t = binaryMask(fn, 'truth', truth, name);
    if (m.length !== t.length) throw new Error(`${fn}: mask['${name}'] has ${m.length} entries, truth['${name}'] has ${t.length}`);
    let kept = 0;
    let planted = 0;
    let both = 0;
    for (let i = 0; i < m.length; i++) {
      kept += m[i];
      planted += t[i];
      both += m[i] * t[i];
    }
    totals.kept += kept;
    totals.planted += planted;
    totals.both += both;
    return { name, ...recoveryScores(kept, planted, both) };
  });
  return { ...recoveryScores(totals.kept, totals.planted, totals.both), layers };
}

/** Precision, recall and Jaccard from the counts kept, planted and both; every 0/0 is 0 (see maskRecovery). */
export function recoveryScores(kept: number, planted: number, both: number): RecoveryScores {
  const union = kept + planted - both;
  return {
    precision: kept === 0 ? 0 : both / kept,
    recall: planted === 0 ? 0 : both / planted,
    jaccard: union === 0 ? 0 : both / union,
  };
}

/** `masks[name]`, checked to hold only 0 and 1. */
export function binaryMask(fn: string, argument: string, masks: MaskMap, name: string): Float32Array {
  if (!Object.hasOwn(masks, name)) throw new Error(`${fn}: ${argument} has no entry for '${name}'`);
  const values = masks[name];
  for (let i = 0; i < values.length; i++) {
    if (values[i] !== 0 && values[i] !== 1) throw new Error(`${fn}: ${argument}['${name}'][${i}] = ${values[i]} is not 0 or 1`);
  }
  return values;
}
