/**
 * How well a unit-pruned (neuron) mask recovers a planted ticket's units: the hidden units kept
 * against the hidden units the planted ticket uses. A unit is kept when any weight entering or
 * leaving it is kept, and planted when any planted weight enters or leaves it (a planted neuron
 * fed by no planted weight, one that only passes its bias on, still counts through the weights
 * that read it). Hidden units are the outputs of every dense kernel but the last; output units are
 * never removed, so they are left out.
 */
import type { MaskMap } from '../types.ts';
import { binaryMask, recoveryScores, type RecoveryScores } from './recovery.ts';

/** A dense kernel in forward order: [inputs, outputs], row-major (index = input · outputs + output). */
export interface DenseKernel {
  name: string;
  shape: readonly number[];
}

export interface LayerUnitRecovery extends RecoveryScores {
  /** The kernel whose outputs the units are. */
  name: string;
  units: number;
  kept: number;
  planted: number;
}

export interface UnitRecovery extends RecoveryScores {
  layers: LayerUnitRecovery[];
}

/** Units of `kernels[l]`'s outputs with any non-zero entry in their column of kernel l or their row of kernel l + 1. */
function activeUnits(fn: string, argument: string, masks: MaskMap, kernels: readonly DenseKernel[], l: number): Uint8Array {
  const [nIn, nOut] = kernels[l].shape;
  const next = kernels[l + 1].shape[1];
  const into = binaryMask(fn, argument, masks, kernels[l].name);
  const outOf = binaryMask(fn, argument, masks, kernels[l + 1].name);
  if (into.length !== nIn * nOut)
    throw new Error(`${fn}: ${argument}['${kernels[l].name}'] has ${into.length} entries, its shape [${nIn}, ${nOut}] ${nIn * nOut}`);
  const active = new Uint8Array(nOut);
  for (let i = 0; i < into.length; i++) if (into[i] === 1) active[i % nOut] = 1;
  for (let i = 0; i < outOf.length; i++) if (outOf[i] === 1) active[Math.floor(i / next)] = 1;
  return active;
}

/** Unit-level recovery per hidden layer and pooled over them (micro-average), with maskRecovery's 0/0 rule. */
export function unitRecovery(mask: MaskMap, truth: MaskMap, kernels: readonly DenseKernel[]): UnitRecovery {
  const fn = 'unitRecovery';
  if (kernels.length < 2)
    throw new Error(`${fn}: needs at least two dense kernels (hidden units lie between kernels), got ${kernels.length}`);
  kernels.forEach((k, l) => {
    if (k.shape.length !== 2)
      throw new Error(`${fn}: '${k.name}' has shape [${k.shape.join(', ')}]; only dense kernels [inputs, outputs] have units here`);
    if (l > 0 && kernels[l - 1].shape[1] !== k.shape[0])
      throw new Error(`${fn}: '${kernels[l - 1].name}' has ${kernels[l - 1].shape[1]} outputs but '${k.name}' reads ${k.shape[0]} inputs`);
  });
  const last = kernels[kernels.length - 1];
  for (const [argument, masks] of [
    ['mask', mask],
    ['truth', truth],
  ] as const) {
    const entries = binaryMask(fn, argument, masks, last.name).length;
    if (entries !== last.shape[0] * last.shape[1])
      throw new Error(
        `${fn}: ${argument}['${last.name}'] has ${entries} entries, its shape [${last.shape.join(', ')}] ${last.shape[0] * last.shape[1]}`,
      );
  }
  const totals = { kept: 0, planted: 0, both: 0 };
  const layers = kernels.slice(0, -1).map((kernel, l) => {
    const kept = activeUnits(fn, 'mask', mask, kernels, l);
    const planted = activeUnits(fn, 'truth', truth, kernels, l);
    const counts = { kept: 0, planted: 0, both: 0 };
    for (let j = 0; j < kept.length; j++) {
      counts.kept += kept[j];
      counts.planted += planted[j];
      counts.both += kept[j] & planted[j];
    }
    totals.kept += counts.kept;
    totals.planted += counts.planted;
    totals.both += counts.both;
    return {
      name: kernel.name,
      units: kept.length,
      kept: counts.kept,
      planted: counts.planted,
      ...recoveryScores(counts.kept, counts.planted, counts.both),
    };
  });
  return { ...recoveryScores(totals.kept, totals.planted, totals.both), layers };
}
