import type { ParameterInfo } from '../architecture.ts';
import { sizeOf, type WeightMap } from '../types.ts';
import { countZeros } from './sparsity.ts';

export interface MacCounts {
  /** Multiply–adds per sample of the unpruned model. */
  dense: number;
  /** Multiply–adds per sample performed by non-zero weights only. */
  sparse: number;
}

/**
 * Multiply–adds per sample of every kernel (dense weight matrix or convolution kernel): each weight does
 * `macsPerWeight` of them (1 for dense, H_out·W_out for conv). Bias additions, activations and pooling are
 * not multiply–adds of a weight and are left out, so dense and sparse counts differ only by pruned weights.
 */
export function denseAndSparseMacs(parameters: readonly ParameterInfo[], weights: WeightMap): MacCounts {
  const fn = 'denseAndSparseMacs';
  let dense = 0;
  let sparse = 0;
  for (const p of parameters) {
    if (p.role !== 'kernel') continue;
    if (!Object.hasOwn(weights, p.name)) throw new Error(`${fn}: parameters lists kernel '${p.name}', which weights does not contain`);
    const values = weights[p.name];
    const size = sizeOf(p.shape);
    if (values.length !== size) {
      throw new Error(`${fn}: weights['${p.name}'] has ${values.length} values, its shape [${p.shape}] in parameters needs ${size}`);
    }
    dense += size * p.macsPerWeight;
    sparse += (size - countZeros(values)) * p.macsPerWeight;
  }
  return { dense, sparse };
}
