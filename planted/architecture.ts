import type { ArchitectureSpec, DenseLayer } from '../engine/architecture.ts';

/**
 * The mother network of a planted task: a ReLU MLP with `depth` weight layers fc1 … fc{depth}.
 * Layers fc1 … fc{depth−1} are hidden (width `width`, ReLU); fc{depth} is the linear output layer.
 * So depth L means L weight matrices and L − 1 hidden layers. (The Plant 'n' Seek code counts the
 * input layer too: its "depth 6" is our depth 5.)
 */
export function mlpArchitecture(id: string, dIn: number, width: number, depth: number, dOut: number): ArchitectureSpec {
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`mlpArchitecture: depth must be a positive integer, got ${depth}`);
  for (const [name, value] of [
    ['dIn', dIn],
    ['width', width],
    ['dOut', dOut],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`mlpArchitecture: ${name} must be a positive integer, got ${value}`);
  }
  const layers: DenseLayer[] = [];
  for (let l = 1; l < depth; l++) layers.push({ kind: 'dense', name: `fc${l}`, units: width, activation: 'relu' });
  layers.push({ kind: 'dense', name: `fc${depth}`, units: dOut, activation: 'linear' });
  return { id, inputShape: [dIn], layers };
}

/** Layer widths [d_in, w, …, w, d_out] of an MLP architecture (dense layers only). */
export function mlpWidths(spec: ArchitectureSpec): number[] {
  if (spec.inputShape.length !== 1) throw new Error(`${spec.id}: an MLP needs a flat input shape, got [${spec.inputShape}]`);
  const widths = [spec.inputShape[0]];
  for (const layer of spec.layers) {
    if (layer.kind !== 'dense') throw new Error(`${spec.id}: an MLP has only dense layers, found '${layer.kind}'`);
    widths.push(layer.units);
  }
  return widths;
}

export function kernelName(layer: number): string {
  return `fc${layer}/kernel`;
}

export function biasName(layer: number): string {
  return `fc${layer}/bias`;
}
