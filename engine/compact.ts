/**
 * A unit- or filter-pruned network made really smaller: the hidden units of dense layers and the
 * output channels of convolutions that have no kept incoming weight are dropped, with their biases
 * and with the next kernel's inputs that read them (through a flatten, every spatial position of
 * that channel). The compacted network is dense and computes what the masked one computes, as long
 * as the masks follow the neuron/filter structure (a removed unit's outgoing weights are masked too).
 */
import { describeParameters, type ArchitectureSpec, type LayerSpec } from './architecture.ts';
import type { MaskMap, WeightMap } from './types.ts';

export interface CompactNetwork {
  spec: ArchitectureSpec;
  weights: WeightMap;
  /** Per compacted layer: units (or filters) before and after. */
  units: Array<{ layer: string; before: number; after: number }>;
}

/** Indices j < outs with any kept weight into output j (kernel laid out with the output axis last). */
function keptOutputs(mask: Float32Array, outs: number): number[] {
  const kept = new Uint8Array(outs);
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) kept[i % outs] = 1;
  return [...kept.keys()].filter((j) => kept[j] === 1);
}

/** Keeps the given rows (reduction index) and columns (outputs) of a kernel flattened as [rows, outs]. */
function slice(values: Float32Array, outs: number, rows: number[], cols: number[]): Float32Array {
  const out = new Float32Array(rows.length * cols.length);
  rows.forEach((r, ri) => cols.forEach((c, ci) => (out[ri * cols.length + ci] = values[r * outs + c])));
  return out;
}

/**
 * Compacts a masked network. `weights` are the masked network's values (pruned weights are 0);
 * the last kernel keeps all its outputs. Returns the smaller architecture and its weights.
 */
export function compactNetwork(spec: ArchitectureSpec, weights: WeightMap, masks: MaskMap): CompactNetwork {
  const shapes = new Map(describeParameters(spec).map((p) => [p.name, p.shape]));
  const kernels = spec.layers.filter(
    (l): l is Extract<LayerSpec, { kind: 'dense' | 'conv2d' }> => l.kind === 'dense' || l.kind === 'conv2d',
  );
  const lastKernel = kernels[kernels.length - 1].name;
  const layers: LayerSpec[] = [];
  const out: WeightMap = {};
  const units: CompactNetwork['units'] = [];
  // Inputs of the next kernel that survive: indices into the previous kernel's outputs, and how the inputs map to them.
  let keptPrevious: number[] | null = null;
  let channelsBeforeFlatten: number | null = null;
  let flattenedPositions: number | null = null;
  let shape = [...spec.inputShape];
  for (const layer of spec.layers) {
    if (layer.kind === 'flatten') {
      flattenedPositions = shape.length === 3 ? shape[0] * shape[1] : null;
      layers.push(layer);
      shape = [shape.reduce((a, b) => a * b, 1)];
      continue;
    }
    if (layer.kind === 'maxPool') {
      layers.push(layer);
      const s = layer.stride ?? layer.size;
      shape = [Math.floor((shape[0] - layer.size) / s) + 1, Math.floor((shape[1] - layer.size) / s) + 1, shape[2]];
      continue;
    }
    const kernelName = `${layer.name}/kernel`;
    const kernelShape = shapes.get(kernelName)!;
    const outs = kernelShape[kernelShape.length - 1];
    const reduction = kernelShape.slice(0, -1).reduce((a, b) => a * b, 1);
    const cols =
      layer.name === lastKernel
        ? [...Array(outs).keys()]
        : keptOutputs(masks[kernelName] ?? new Float32Array(reduction * outs).fill(1), outs);
    let rows: number[];
    if (!keptPrevious) rows = [...Array(reduction).keys()];
    else if (layer.kind === 'conv2d') {
      // [k, k, cIn, cOut]: keep the input channels that survive, at every kernel position.
      const cIn = kernelShape[2];
      const positions = kernelShape[0] * kernelShape[1];
      rows = [];
      for (let p = 0; p < positions; p++) for (const c of keptPrevious) rows.push(p * cIn + c);
    } else if (flattenedPositions !== null && channelsBeforeFlatten !== null) {
      rows = [];
      for (let p = 0; p < flattenedPositions; p++) for (const c of keptPrevious) rows.push(p * channelsBeforeFlatten + c);
    } else rows = keptPrevious;
    out[kernelName] = slice(weights[kernelName], outs, rows, cols);
    out[`${layer.name}/bias`] = Float32Array.from(cols.map((c) => weights[`${layer.name}/bias`][c]));
    if (cols.length !== outs) units.push({ layer: layer.name, before: outs, after: cols.length });
    if (layer.kind === 'dense') {
      layers.push({ ...layer, units: cols.length });
      shape = [cols.length];
    } else {
      layers.push({ ...layer, filters: cols.length });
      const k = layer.kernelSize;
      const s = layer.stride ?? 1;
      const hOut = layer.padding === 'same' ? Math.ceil(shape[0] / s) : Math.floor((shape[0] - k) / s) + 1;
      const wOut = layer.padding === 'same' ? Math.ceil(shape[1] / s) : Math.floor((shape[1] - k) / s) + 1;
      shape = [hOut, wOut, cols.length];
    }
    keptPrevious = cols;
    channelsBeforeFlatten = layer.kind === 'conv2d' ? outs : null;
    if (layer.kind === 'dense') flattenedPositions = null;
  }
  return { spec: { id: `${spec.id}-compact`, inputShape: spec.inputShape, layers }, weights: out, units };
}

/** Multiply–adds per sample of a dense network (every weight counted). */
export function denseMacs(spec: ArchitectureSpec): number {
  return describeParameters(spec)
    .filter((p) => p.role === 'kernel')
    .reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1) * p.macsPerWeight, 0);
}
