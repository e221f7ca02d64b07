/**
 * Sparsity structures and the harness's check of a mask against one. `unstructured`: any mask.
 * `n:m`: in every group of M consecutive weights along a kernel's input (reduction) dimension, N
 * are kept. `neuron` / `filter`: whole hidden units of dense layers / output channels of
 * convolutions are removed together with the weights that read them, so every kernel's mask is the
 * outer product of a kept-input and a kept-output vector. Output layers keep all their units.
 */
import type { MaskMap } from '../../engine/types.ts';
import { describeParameters, type ArchitectureSpec } from '../../engine/architecture.ts';
import type { Structure } from '../../api/method-api.ts';

export type { Structure };

/** One prunable kernel in forward order, with what its input units are in terms of the previous kernel's outputs. */
export interface KernelLayout {
  name: string;
  /** [nIn, nOut] for dense, [k, k, cIn, cOut] for conv. */
  shape: number[];
  /**
   * How the kernel's input index maps to the previous kernel's output units: 'none' for the network
   * input (never removed), 'direct' when input i is unit i (dense after dense, conv after conv,
   * through pooling), or 'flattened' with the channel count C when a flatten of an H×W×C map
   * precedes a dense kernel (input i reads channel i mod C).
   */
  input: { kind: 'none' } | { kind: 'direct' } | { kind: 'flattened'; channels: number };
}

export { parseStructure, structureLabel } from '../jobs/structures.ts';

const outputsOf = (shape: number[]) => shape[shape.length - 1];
const reductionOf = (shape: number[]) => shape.slice(0, -1).reduce((a, b) => a * b, 1);

/** Kept output units of a kernel: unit j is kept when any weight into it is kept. */
export function keptUnits(mask: Float32Array, shape: number[]): Uint8Array {
  const outs = outputsOf(shape);
  const kept = new Uint8Array(outs);
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) kept[i % outs] = 1;
  return kept;
}

/** Problems with an N:M mask, naming the kernel, output unit and group of the first few. */
function nmProblems(name: string, mask: Float32Array, shape: number[], n: number, m: number): string[] {
  const outs = outputsOf(shape);
  const reduction = reductionOf(shape);
  const problems: string[] = [];
  for (let j = 0; j < outs && problems.length < 3; j++) {
    for (let start = 0; start < reduction && problems.length < 3; start += m) {
      const size = Math.min(m, reduction - start);
      let kept = 0;
      for (let r = start; r < start + size; r++) kept += mask[r * outs + j] !== 0 ? 1 : 0;
      const expected = size === m ? n : Math.min(n, size);
      if (size === m ? kept !== n : kept > expected) {
        problems.push(
          `${name}: the group of input positions ${start}–${start + size - 1} into output ${j} keeps ${kept}, ${size === m ? `not ${n}` : `more than ${expected}`} (${n}:${m})`,
        );
      }
    }
  }
  return problems;
}

/** The kept-input vector of a kernel, from the previous kernel's kept outputs (all kept for the network input). */
function keptInputs(layout: KernelLayout, previousKept: Uint8Array | null): (i: number) => boolean {
  if (layout.input.kind === 'none' || !previousKept) return () => true;
  if (layout.input.kind === 'direct') return (i) => previousKept[i % previousKept.length] === 1;
  const channels = layout.input.channels;
  return (i) => previousKept[i % channels] === 1;
}

/** Problems with a neuron/filter mask: every kernel must be kept-inputs × kept-outputs, the last keeps every output. */
function unitProblems(layouts: KernelLayout[], masks: MaskMap, unit: 'neuron' | 'filter'): string[] {
  const problems: string[] = [];
  let previous: Uint8Array | null = null;
  layouts.forEach((layout, l) => {
    const mask = masks[layout.name];
    const conv = layout.shape.length === 4;
    const outs = outputsOf(layout.shape);
    const kept = keptUnits(mask, layout.shape);
    const last = l === layouts.length - 1;
    const removable = !last && (unit === 'neuron' ? !conv : conv);
    if (!removable && kept.some((k) => k === 0)) {
      const why = last
        ? 'output layers keep all their units'
        : unit === 'neuron'
          ? 'neuron structure removes units of dense layers only; a convolution keeps all its filters'
          : 'filter structure removes output channels of convolutions only; a dense layer keeps all its units';
      problems.push(`${layout.name}: ${why}, but ${conv ? 'filter' : 'unit'} ${kept.indexOf(0)} has no weight left`);
    }
    const inputKept = keptInputs(layout, previous);
    const perInput = conv ? (r: number) => r % layout.shape[2] : (r: number) => r;
    for (let i = 0; i < mask.length && problems.length < 5; i++) {
      const r = Math.floor(i / outs);
      const expected = kept[i % outs] === 1 && inputKept(perInput(r)) ? 1 : 0;
      if ((mask[i] !== 0 ? 1 : 0) !== expected) {
        const what = conv ? 'filter' : 'unit';
        problems.push(
          `${layout.name}: weight ${i} (input ${perInput(r)}, ${what} ${i % outs}) is ${expected ? `pruned although its input and its ${what} are kept` : `kept although its input or its ${what} is removed`}: a ${what} is removed whole, with the weights that read it`,
        );
        break;
      }
    }
    previous = kept;
  });
  return problems;
}

/** Every way the masks break the structure (empty when they follow it). */
export function structureProblems(structure: Structure, layouts: KernelLayout[], masks: MaskMap): string[] {
  switch (structure.kind) {
    case 'unstructured':
      return [];
    case 'n:m':
      return layouts.flatMap((l) => nmProblems(l.name, masks[l.name], l.shape, structure.n, structure.m));
    case 'neuron':
    case 'filter':
      return unitProblems(layouts, masks, structure.kind);
  }
}

/** Hidden units (dense) and filters (conv) removed, over the kernels before the output layer. */
export function unitsRemovedFraction(layouts: KernelLayout[], masks: MaskMap): { removed: number; total: number; fraction: number } {
  let removed = 0;
  let total = 0;
  for (const layout of layouts.slice(0, -1)) {
    const kept = keptUnits(masks[layout.name], layout.shape);
    total += kept.length;
    removed += kept.filter((k) => k === 0).length;
  }
  return { removed, total, fraction: total ? removed / total : 0 };
}

/** The prunable kernels of an architecture in forward order, with how each one's inputs map to the previous kernel's units. */
export function kernelLayouts(spec: ArchitectureSpec): KernelLayout[] {
  const shapes = new Map(describeParameters(spec).map((p) => [p.name, p.shape]));
  const layouts: KernelLayout[] = [];
  let channelsBeforeFlatten: number | null = null;
  let flattened = false;
  for (const layer of spec.layers) {
    if (layer.kind === 'flatten') flattened = channelsBeforeFlatten !== null;
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') continue;
    const name = `${layer.name}/kernel`;
    const input: KernelLayout['input'] =
      layouts.length === 0
        ? { kind: 'none' }
        : flattened && channelsBeforeFlatten !== null
          ? { kind: 'flattened', channels: channelsBeforeFlatten }
          : { kind: 'direct' };
    layouts.push({ name, shape: shapes.get(name)!, input });
    channelsBeforeFlatten = layer.kind === 'conv2d' ? layer.filters : null;
    flattened = false;
  }
  return layouts;
}
