import { describe, expect, it } from 'vitest';
import { type ArchitectureSpec, describeParameters } from '../architecture.ts';
import { denseAndSparseMacs } from './flops.ts';

// Input 6×6×1.
//   conv1: 3×3, 2 filters, valid → output 4×4×2; kernel 3·3·1·2 = 18 weights, each used at 4·4 = 16 positions
//   pool:  2×2                   → 2×2×2
//   conv2: 3×3, 3 filters, same  → output 2×2×3; kernel 3·3·2·3 = 54 weights, each used at 2·2 = 4 positions
//   flatten                      → 12
//   fc:    12 → 2                 → 24 weights, 1 use each
// dense MACs = 18·16 + 54·4 + 24·1 = 288 + 216 + 24 = 528 (biases and pooling not counted)
const spec: ArchitectureSpec = {
  id: 'tiny-conv',
  inputShape: [6, 6, 1],
  layers: [
    { kind: 'conv2d', name: 'conv1', filters: 2, kernelSize: 3, padding: 'valid', activation: 'relu' },
    { kind: 'maxPool', size: 2 },
    { kind: 'conv2d', name: 'conv2', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' },
    { kind: 'flatten' },
    { kind: 'dense', name: 'fc', units: 2, activation: 'linear' },
  ],
};
const parameters = describeParameters(spec);

function filled(size: number, value: number): Float32Array {
  return new Float32Array(size).fill(value);
}

describe('denseAndSparseMacs', () => {
  it('uses the per-weight MAC counts the architecture reports', () => {
    const kernels = parameters.filter((p) => p.role === 'kernel').map((p) => [p.name, p.shape, p.macsPerWeight]);
    expect(kernels).toEqual([
      ['conv1/kernel', [3, 3, 1, 2], 16],
      ['conv2/kernel', [3, 3, 2, 3], 4],
      ['fc/kernel', [12, 2], 1],
    ]);
  });

  it('counts every kernel weight for dense and only non-zero ones for sparse, ignoring biases', () => {
    const conv1 = filled(18, 0.5);
    conv1.set([0, -0, 0, 0, 0], 0); // 5 zeros (one −0) → 13 non-zero
    const fc = filled(24, -1);
    fc.set([0, 0, 0, 0], 10); // 4 zeros → 20 non-zero
    const weights = {
      'conv1/kernel': conv1,
      'conv1/bias': filled(2, 3),
      'conv2/kernel': filled(54, 0), // fully pruned
      'conv2/bias': filled(3, 3),
      'fc/kernel': fc,
      'fc/bias': filled(2, 3),
    };
    // sparse = 13·16 + 0·4 + 20·1 = 208 + 0 + 20 = 228
    expect(denseAndSparseMacs(parameters, weights)).toEqual({ dense: 528, sparse: 228 });
  });

  it('gives equal counts for an unpruned network', () => {
    const weights = Object.fromEntries(
      parameters.map((p) => [
        p.name,
        filled(
          p.shape.reduce((a, b) => a * b, 1),
          1,
        ),
      ]),
    );
    expect(denseAndSparseMacs(parameters, weights)).toEqual({ dense: 528, sparse: 528 });
  });

  it('rejects a missing kernel and a kernel whose size does not match its shape', () => {
    const weights = Object.fromEntries(
      parameters.map((p) => [
        p.name,
        filled(
          p.shape.reduce((a, b) => a * b, 1),
          1,
        ),
      ]),
    );
    const { 'fc/kernel': _dropped, ...withoutFc } = weights;
    expect(() => denseAndSparseMacs(parameters, withoutFc)).toThrow(
      /denseAndSparseMacs: parameters lists kernel 'fc\/kernel', which weights does not contain/,
    );
    expect(() => denseAndSparseMacs(parameters, { ...weights, 'conv2/kernel': filled(53, 1) })).toThrow(
      /weights\['conv2\/kernel'\] has 53 values, its shape \[3,3,2,3\] in parameters needs 54/,
    );
  });
});
