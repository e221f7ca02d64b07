import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { compactNetwork, denseMacs } from './compact.ts';
import { initialWeights, MaskedNetwork } from './network.ts';
import { Rng } from './rng.ts';
import type { ArchitectureSpec } from './architecture.ts';
import type { MaskMap, WeightMap } from './types.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Masks that remove the given output units of each kernel, and the inputs of the next kernel that read them. */
function unitMasks(
  spec: ArchitectureSpec,
  weights: WeightMap,
  removed: Record<string, number[]>,
  readers: (kernel: string, removedBelow: number[], index: number, shape: number[]) => boolean,
): MaskMap {
  const masks: MaskMap = {};
  let below: number[] = [];
  for (const layer of spec.layers) {
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') continue;
    const name = `${layer.name}/kernel`;
    const values = weights[name];
    const shape =
      layer.kind === 'dense'
        ? [values.length / layer.units, layer.units]
        : [layer.kernelSize, layer.kernelSize, values.length / (layer.kernelSize * layer.kernelSize * layer.filters), layer.filters];
    const outs = shape[shape.length - 1];
    const gone = removed[layer.name] ?? [];
    masks[name] = Float32Array.from(values, (_, i) => (gone.includes(i % outs) || readers(name, below, i, shape) ? 0 : 1));
    below = gone;
  }
  return masks;
}

function maskedWeights(weights: WeightMap, masks: MaskMap): WeightMap {
  return Object.fromEntries(Object.entries(weights).map(([n, v]) => [n, masks[n] ? v.map((x, i) => x * masks[n][i]) : v]));
}

function outputs(spec: ArchitectureSpec, weights: WeightMap, x: tf.Tensor): Float32Array {
  const net = MaskedNetwork.fromWeights(spec, weights);
  const y = net.forward(x);
  const values = y.dataSync() as Float32Array;
  y.dispose();
  net.dispose();
  return Float32Array.from(values);
}

describe('compactNetwork', () => {
  it('drops removed units of an MLP and computes the same outputs on random inputs', () => {
    const spec: ArchitectureSpec = {
      id: 'mlp',
      inputShape: [7],
      layers: [
        { kind: 'dense', name: 'fc1', units: 6, activation: 'relu' },
        { kind: 'dense', name: 'fc2', units: 5, activation: 'relu' },
        { kind: 'dense', name: 'fc3', units: 3, activation: 'linear' },
      ],
    };
    const weights = initialWeights(spec, new Rng(3));
    for (const b of ['fc1/bias', 'fc2/bias', 'fc3/bias']) weights[b] = weights[b].map((_, i) => 0.1 * (i + 1));
    const masks = unitMasks(spec, weights, { fc1: [1, 4], fc2: [0] }, (_k, below, i, shape) => below.includes(Math.floor(i / shape[1])));
    const compact = compactNetwork(spec, maskedWeights(weights, masks), masks);
    expect(compact.spec.layers.map((l) => (l.kind === 'dense' ? l.units : null))).toEqual([4, 4, 3]);
    expect(compact.units).toEqual([
      { layer: 'fc1', before: 6, after: 4 },
      { layer: 'fc2', before: 5, after: 4 },
    ]);
    const x = tf.randomNormal([16, 7], 0, 1, 'float32', 11);
    const masked = MaskedNetwork.fromWeights(spec, weights);
    masked.setMasks(masks);
    const expected = masked.forward(x).dataSync() as Float32Array;
    const got = outputs(compact.spec, compact.weights, x);
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i], 5);
    expect(denseMacs(compact.spec)).toBe(7 * 4 + 4 * 4 + 4 * 3);
    masked.dispose();
    x.dispose();
  });

  it('drops removed filters of a conv net with the dense inputs that read their channels through a flatten', () => {
    const spec: ArchitectureSpec = {
      id: 'cnn',
      inputShape: [8, 8, 1],
      layers: [
        { kind: 'conv2d', name: 'conv1', filters: 3, kernelSize: 3, padding: 'valid', activation: 'relu' },
        { kind: 'maxPool', size: 2 },
        { kind: 'conv2d', name: 'conv2', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
        { kind: 'flatten' },
        { kind: 'dense', name: 'fc1', units: 5, activation: 'relu' },
        { kind: 'dense', name: 'fc2', units: 2, activation: 'linear' },
      ],
    };
    const weights = initialWeights(spec, new Rng(5));
    for (const b of ['conv1/bias', 'conv2/bias', 'fc1/bias']) weights[b] = weights[b].map((_, i) => 0.05 * (i + 1));
    // conv input channel = (reduction index) mod cIn; dense-after-flatten input channel = index mod 4 (conv2's filters).
    const masks = unitMasks(spec, weights, { conv1: [1], conv2: [0, 3] }, (kernel, below, i, shape) => {
      const outs = shape[shape.length - 1];
      const r = Math.floor(i / outs);
      if (kernel === 'conv2/kernel') return below.includes(r % shape[2]);
      if (kernel === 'fc1/kernel') return below.includes(r % 4);
      return false;
    });
    const compact = compactNetwork(spec, maskedWeights(weights, masks), masks);
    expect(compact.units).toEqual([
      { layer: 'conv1', before: 3, after: 2 },
      { layer: 'conv2', before: 4, after: 2 },
    ]);
    const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 13);
    const masked = MaskedNetwork.fromWeights(spec, weights);
    masked.setMasks(masks);
    const expected = masked.forward(x).dataSync() as Float32Array;
    const got = outputs(compact.spec, compact.weights, x);
    for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i], 5);
    // conv1: 3·3·1·2 weights × 36 positions; conv2: 3·3·2·2 × 9; fc1: (9·2)·5; fc2: 5·2.
    expect(denseMacs(compact.spec)).toBe(18 * 36 + 36 * 9 + 90 + 10);
    masked.dispose();
    x.dispose();
  });
});
