/**
 * The harness's side of structured jobs (docs/protocol.md, Structures): which layers' units may be
 * removed and how many each keeps, the masks of kept units, the cut of a method's unit scores
 * (uniform layer-wise, ties by a seeded draw) and of its per-weight scores into N:M groups, the
 * count check of unit masks, and the structure-preserving `shuffled` control.
 */
import type { Rng } from '../../engine/rng.ts';
import { Rng as SeededRng } from '../../engine/rng.ts';
import type { MaskMap, WeightMap } from '../../engine/types.ts';
import type { Structure } from '../../api/method-api.ts';
import { keepCountFor, MethodResultError, seededTopMask } from './mask-selection.ts';
import { keptUnits, type KernelLayout } from './structure.ts';

type UnitStructure = Extract<Structure, { kind: 'neuron' | 'filter' }>;

export interface UnitTarget {
  name: string;
  units: number;
  keep: number;
}

const outputsOf = (shape: number[]) => shape[shape.length - 1];
const reductionOf = (shape: number[]) => shape.slice(0, -1).reduce((a, b) => a * b, 1);
const isConv = (layout: KernelLayout) => layout.shape.length === 4;

/** The kernels whose output units the structure may remove: dense hidden layers (neuron) or convolutions (filter), never the last kernel. */
export function removableLayouts(layouts: KernelLayout[], structure: UnitStructure): KernelLayout[] {
  return layouts.slice(0, -1).filter((l) => (structure.kind === 'neuron' ? !isConv(l) : isConv(l)));
}

/** Per removable layer: its units and the count kept, units − round(ratio · units) (the protocol's uniform layer-wise rule). */
export function unitTargets(layouts: KernelLayout[], structure: UnitStructure, ratio: number): UnitTarget[] {
  return removableLayouts(layouts, structure).map((l) => ({
    name: l.name,
    units: outputsOf(l.shape),
    keep: keepCountFor(outputsOf(l.shape), ratio),
  }));
}

/** Which unit of the previous kernel the kernel's reduction index r reads. */
function inputUnitOf(layout: KernelLayout): (r: number) => number {
  if (isConv(layout)) return (r) => r % layout.shape[2];
  if (layout.input.kind === 'flattened') {
    const channels = layout.input.channels;
    return (r) => r % channels;
  }
  return (r) => r;
}

/**
 * The masks of a network whose kept units are given per kernel (missing kernels keep every unit):
 * a weight is kept when its output unit and the unit its input reads are both kept.
 */
export function masksFromKeptUnits(layouts: KernelLayout[], kept: Record<string, Uint8Array>): MaskMap {
  const masks: MaskMap = {};
  let previous: Uint8Array | null = null;
  for (const layout of layouts) {
    const outs = outputsOf(layout.shape);
    const own = kept[layout.name] ?? new Uint8Array(outs).fill(1);
    const inputUnit = inputUnitOf(layout);
    const mask = new Float32Array(reductionOf(layout.shape) * outs);
    for (let i = 0; i < mask.length; i++) {
      const r = Math.floor(i / outs);
      const inputKept = layout.input.kind === 'none' || previous === null || previous[inputUnit(r)] === 1;
      mask[i] = own[i % outs] === 1 && inputKept ? 1 : 0;
    }
    masks[layout.name] = mask;
    previous = own;
  }
  return masks;
}

/** A method's unit scores, refused unless they cover exactly the removable layers with one number per unit. */
function checkUnitScores(unitScores: WeightMap, targets: UnitTarget[], structure: UnitStructure): void {
  if (unitScores === null || typeof unitScores !== 'object')
    throw new MethodResultError('unitScores must be an object of Float32Arrays by kernel name');
  const names = targets.map((t) => t.name);
  for (const name of Object.keys(unitScores)) {
    if (!names.includes(name))
      throw new MethodResultError(
        `unitScores name '${name}', whose units ${structure.kind} structure does not remove (layers: ${names.join(', ') || 'none'})`,
      );
  }
  for (const { name, units } of targets) {
    const scores = unitScores[name];
    if (!scores) throw new MethodResultError(`unitScores are missing layer '${name}'`);
    if (scores.length !== units)
      throw new MethodResultError(`unitScores for '${name}' have ${scores.length} values, the layer has ${units} units`);
    for (let j = 0; j < units; j++)
      if (Number.isNaN(scores[j])) throw new MethodResultError(`unitScores for '${name}' contain NaN at unit ${j}`);
  }
}

/** Keeps the highest-scoring `keep` units of every removable layer (ties by a draw seeded by the job seed, one stream per layer), and the masks that follow. */
export function masksFromUnitScores(
  unitScores: WeightMap,
  layouts: KernelLayout[],
  structure: UnitStructure,
  ratio: number,
  tieSeed: number,
): MaskMap {
  const targets = unitTargets(layouts, structure, ratio);
  checkUnitScores(unitScores, targets, structure);
  const ties = new SeededRng(tieSeed).fork('select:ties');
  const kept: Record<string, Uint8Array> = {};
  for (const { name, keep } of targets) kept[name] = Uint8Array.from(seededTopMask(unitScores[name], keep, ties.fork(name)));
  return masksFromKeptUnits(layouts, kept);
}

/** How many of a group of `size` weights N:M keeps: N, or all of a trailing group shorter than N. */
export function nmKeepCount(size: number, n: number): number {
  return Math.min(n, size);
}

/**
 * The N:M masks of per-weight scores: in every group of M consecutive reduction positions into each
 * output unit (a trailing shorter group keeps min(N, its size)), the N highest scores, ties broken
 * by a draw seeded by the job seed (one stream per kernel, groups in index order).
 */
export function nmMasksFromScores(scores: WeightMap, layouts: KernelLayout[], n: number, m: number, tieSeed: number): MaskMap {
  const ties = new SeededRng(tieSeed).fork('select:ties');
  const masks: MaskMap = {};
  for (const layout of layouts) {
    const values = scores[layout.name];
    const outs = outputsOf(layout.shape);
    const reduction = reductionOf(layout.shape);
    const rng = ties.fork(layout.name);
    const mask = new Float32Array(values.length);
    const group = new Float64Array(m);
    for (let j = 0; j < outs; j++) {
      for (let start = 0; start < reduction; start += m) {
        const size = Math.min(m, reduction - start);
        for (let k = 0; k < size; k++) group[k] = values[(start + k) * outs + j];
        const keep = seededTopMask(group.subarray(0, size), nmKeepCount(size, n), rng);
        for (let k = 0; k < size; k++) mask[(start + k) * outs + j] = keep[k];
      }
    }
    masks[layout.name] = mask;
  }
  return masks;
}

/** Layers whose count of removed units is not the protocol's round(ratio · units) (the structure itself is checked by structureProblems). */
export function unitCountProblems(layouts: KernelLayout[], structure: UnitStructure, masks: MaskMap, ratio: number): string[] {
  return unitTargets(layouts, structure, ratio).flatMap(({ name, units, keep }) => {
    const kept = keptUnits(masks[name], layouts.find((l) => l.name === name)!.shape).reduce((a, b) => a + b, 0);
    return kept === keep
      ? []
      : [
          `${name}: keeps ${kept} of ${units} ${structure.kind === 'neuron' ? 'units' : 'filters'}, the ${structure.kind} structure at ratio ${ratio} keeps ${keep} in every layer (${units} − round(${ratio} · ${units}))`,
        ];
  });
}

/**
 * The `shuffled` control of a structured mask, keeping its structure: the kept units of every
 * removable layer permuted (neuron/filter), or the kept positions permuted within every N:M group.
 */
export function shuffleStructured(
  masks: MaskMap,
  layouts: KernelLayout[],
  structure: Exclude<Structure, { kind: 'unstructured' }>,
  rng: Rng,
): MaskMap {
  if (structure.kind === 'n:m') {
    const out: MaskMap = {};
    for (const layout of layouts) {
      const mask = Float32Array.from(masks[layout.name]);
      const outs = outputsOf(layout.shape);
      const reduction = reductionOf(layout.shape);
      const layerRng = rng.fork(layout.name);
      for (let j = 0; j < outs; j++) {
        for (let start = 0; start < reduction; start += structure.m) {
          const size = Math.min(structure.m, reduction - start);
          const group = Float32Array.from({ length: size }, (_, k) => mask[(start + k) * outs + j]);
          layerRng.shuffle(group);
          for (let k = 0; k < size; k++) mask[(start + k) * outs + j] = group[k];
        }
      }
      out[layout.name] = mask;
    }
    return out;
  }
  const kept: Record<string, Uint8Array> = {};
  for (const layout of removableLayouts(layouts, structure))
    kept[layout.name] = rng.fork(layout.name).shuffle(keptUnits(masks[layout.name], layout.shape));
  return masksFromKeptUnits(layouts, kept);
}
