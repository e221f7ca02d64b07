import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import '../gradients.ts';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from './backend-selection.ts';
import { originalWasmKernelFunc } from './wasm-kernel-calls.ts';
import { registerWasmKernelPatches } from './wasm-kernels.ts';
import { Rng } from '../rng.ts';
import type { ArchitectureSpec } from '../architecture.ts';
import { MaskedNetwork } from '../network.ts';
import type { TrainingRecipe } from '../recipe.ts';
import { trainNetwork } from '../train.ts';
import { gatherBatch } from '../batches.ts';
import { taskLoss } from '../loss.ts';
import type { Dataset } from '../types.ts';
import { size } from './testing/kernel-runs.ts';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];

beforeAll(async () => {
  await selectBackend('wasm');
});

/** Runs one kernel through the engine on the named backend and returns its values. */
function runOn(
  backend: 'cpu' | 'wasm',
  kernel: string,
  inputs: Record<string, { values: Float32Array; shape: number[] }>,
  attrs: object,
): Float32Array {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const tensors = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, tf.tensor(t.values, t.shape, 'float32')]));
      const out = tf.engine().runKernel(kernel, tensors, attrs as NamedAttrMap) as tf.Tensor;
      return out.dataSync() as Float32Array;
    });
  } finally {
    tf.setBackend(previous);
  }
}

/** |actual − expected| ≤ 1e-4 × the largest |expected| (float32 sums in a different order). */
function expectClose(actual: Float32Array, expected: Float32Array): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1e-30, ...Array.from(expected, Math.abs));
  let worst = 0;
  for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]) / scale);
  expect(worst).toBeLessThan(1e-4);
}

interface ConvCase {
  xShape: Shape4;
  filterShape: Shape4;
  strides: [number, number];
  pad: Pad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function describeCase(c: ConvCase): string {
  return `x [${c.xShape}] ${c.dataFormat}, filter [${c.filterShape}], strides [${c.strides}], pad ${JSON.stringify(c.pad)}${c.dimRoundingMode ? `, ${c.dimRoundingMode}` : ''}`;
}

/** Random convolution configurations: batch 1–4, sizes 5–12, 1–4 input and 1–5 output channels, kernels 1–5, strides 1–3. */
function randomConvCases(seed: number, count: number, stride1Only = false): ConvCase[] {
  const rng = new Rng(seed);
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const [n, h, w, ci, co] = [1 + rng.int(4), 5 + rng.int(8), 5 + rng.int(8), 1 + rng.int(4), 1 + rng.int(5)];
    const [kh, kw] = [1 + rng.int(5), 1 + rng.int(5)];
    const strides: [number, number] = stride1Only ? [1, 1] : [1 + rng.int(3), 1 + rng.int(3)];
    const padKind = rng.int(4);
    const pad: Pad =
      padKind === 0
        ? 'same'
        : padKind === 1
          ? 'valid'
          : padKind === 2
            ? rng.int(3)
            : [
                [0, 0],
                [rng.int(3), rng.int(3)],
                [rng.int(3), rng.int(3)],
                [0, 0],
              ];
    const dimRoundingMode = typeof pad === 'number' && rng.int(2) === 0 ? (['floor', 'round', 'ceil'] as const)[rng.int(3)] : undefined;
    const dataFormat = rng.int(4) === 0 ? 'NCHW' : 'NHWC';
    const xShape: Shape4 = dataFormat === 'NHWC' ? [n, h, w, ci] : [n, ci, h, w];
    const c: ConvCase = { xShape, filterShape: [kh, kw, ci, co], strides, pad, dataFormat, dimRoundingMode };
    const info = outputInfo(c);
    if (info.outHeight > 0 && info.outWidth > 0) cases.push(c);
  }
  return cases;
}

function outputInfo(c: ConvCase) {
  return tf.backend_util.computeConv2DInfo(
    c.xShape,
    c.filterShape,
    c.strides,
    1,
    c.pad,
    c.dimRoundingMode,
    false,
    c.dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst',
  );
}

describe('wasm Conv2DBackpropFilter', () => {
  randomConvCases(11, 24).forEach((c, i) => {
    it(`matches the cpu kernel: ${describeCase(c)}`, () => {
      const rng = new Rng(100 + i);
      const dyShape = outputInfo(c).outShape;
      const inputs = {
        x: { values: rng.normalArray(size(c.xShape)), shape: c.xShape },
        dy: { values: rng.normalArray(size(dyShape)), shape: dyShape },
      };
      const attrs = {
        strides: c.strides,
        pad: c.pad,
        dataFormat: c.dataFormat,
        dimRoundingMode: c.dimRoundingMode,
        filterShape: c.filterShape,
      };
      expectClose(runOn('wasm', 'Conv2DBackpropFilter', inputs, attrs), runOn('cpu', 'Conv2DBackpropFilter', inputs, attrs));
    });
  });

  it('gives the filter gradient of tf.conv2d (LeNet-5 shapes, batch 60)', () => {
    const rng = new Rng(5);
    const x = rng.normalArray(60 * 14 * 14 * 6);
    const w = rng.normalArray(5 * 5 * 6 * 16);
    const gradient = (backend: 'cpu' | 'wasm') => {
      tf.setBackend(backend);
      return tf.tidy(() => {
        const input = tf.tensor4d(x, [60, 14, 14, 6]);
        return tf
          .grad((f: tf.Tensor) => tf.sum(tf.square(tf.conv2d(input, f as tf.Tensor4D, 1, 'valid'))))(tf.tensor4d(w, [5, 5, 6, 16]))
          .dataSync() as Float32Array;
      });
    };
    const expected = gradient('cpu');
    expectClose(gradient('wasm'), expected);
  });
});

describe('wasm Conv2DBackpropInput', () => {
  // Stride 1 takes the convolutional path; the other strides and NCHW keep tfjs's kernel.
  [...randomConvCases(21, 10, true), ...randomConvCases(22, 4)].forEach((c, i) => {
    it(`matches the cpu kernel: ${describeCase(c)}`, () => {
      const rng = new Rng(200 + i);
      const dyShape = outputInfo(c).outShape;
      const inputs = {
        dy: { values: rng.normalArray(size(dyShape)), shape: dyShape },
        filter: { values: rng.normalArray(size(c.filterShape)), shape: c.filterShape },
      };
      const attrs = { strides: c.strides, pad: c.pad, dataFormat: c.dataFormat, dimRoundingMode: c.dimRoundingMode, inputShape: c.xShape };
      expectClose(runOn('wasm', 'Conv2DBackpropInput', inputs, attrs), runOn('cpu', 'Conv2DBackpropInput', inputs, attrs));
    });
  });
});

describe('wasm MaxPoolGrad', () => {
  interface PoolCase {
    xShape: Shape4;
    filterSize: [number, number];
    strides: [number, number];
    pad: 'valid' | 'same' | number;
  }
  const rng = new Rng(31);
  const cases: PoolCase[] = [
    { xShape: [60, 28, 28, 6], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
    { xShape: [3, 9, 7, 2], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
    { xShape: [2, 7, 7, 3], filterSize: [3, 3], strides: [1, 1], pad: 'same' },
    { xShape: [2, 8, 9, 2], filterSize: [3, 2], strides: [2, 1], pad: 'same' },
    { xShape: [1, 6, 6, 4], filterSize: [3, 3], strides: [2, 2], pad: 1 },
    // 2×2 at stride 2 runs on the SIMD module four channels at a time, the rest in the loop.
    { xShape: [60, 8, 8, 50], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
    { xShape: [2, 7, 9, 5], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
    { xShape: [2, 6, 6, 8], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
  ];
  for (let i = 0; i < 6; i++) {
    cases.push({
      xShape: [1 + rng.int(3), 4 + rng.int(6), 4 + rng.int(6), 1 + rng.int(4)],
      filterSize: [1 + rng.int(3), 1 + rng.int(3)],
      strides: [1 + rng.int(3), 1 + rng.int(3)],
      pad: rng.int(2) === 0 ? 'same' : 'valid',
    });
  }
  cases.forEach((c, i) => {
    // Values on a coarse grid (many tied maxima), negative ones, a −0 gradient, and in the last case and the 8-channel one NaN and −∞.
    it(`equals the cpu kernel exactly: x [${c.xShape}], filter [${c.filterSize}], strides [${c.strides}], pad ${c.pad}`, () => {
      const values = new Rng(300 + i).normalArray(size(c.xShape)).map((v) => Math.round(v * 2) / 2);
      if (i === cases.length - 1 || c.xShape[3] === 8) {
        values[0] = NaN;
        values.fill(-Infinity, 3, 10);
      }
      const info = tf.backend_util.computePool2DInfo(c.xShape, c.filterSize, c.strides, 1, c.pad);
      const dy = new Rng(400 + i).normalArray(size(info.outShape));
      dy[0] = -0;
      const output = runOn(
        'cpu',
        'MaxPool',
        { x: { values, shape: c.xShape } },
        { filterSize: c.filterSize, strides: c.strides, pad: c.pad },
      );
      const inputs = {
        dy: { values: dy, shape: info.outShape },
        input: { values, shape: c.xShape },
        output: { values: output, shape: info.outShape },
      };
      const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
      expect(Array.from(runOn('wasm', 'MaxPoolGrad', inputs, attrs))).toEqual(Array.from(runOn('cpu', 'MaxPoolGrad', inputs, attrs)));
    });
  });
});

describe('wasm BatchMatMul with transposes', () => {
  const shapes: Array<[number[], number[]]> = [
    [
      [60, 784],
      [784, 300],
    ],
    [
      [5, 7],
      [7, 4],
    ],
    [
      [3, 5, 7],
      [3, 7, 4],
    ],
  ];
  for (const [aShape, bShape] of shapes) {
    for (const [transposeA, transposeB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      it(`equals tfjs's own wasm kernel: a [${aShape}]${transposeA ? 'ᵀ' : ''} · b [${bShape}]${transposeB ? 'ᵀ' : ''}`, () => {
        const rng = new Rng(aShape.length * 10 + aShape[0] + (transposeA ? 1 : 0) + (transposeB ? 2 : 0));
        const swap = (s: number[]) => [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]];
        const aStored = transposeA ? swap(aShape) : aShape;
        const bStored = transposeB ? swap(bShape) : bShape;
        const aValues = rng.normalArray(size(aStored));
        const bValues = rng.normalArray(size(bStored));
        const backend = tf.findBackend('wasm') as KernelBackend;
        const product = (kernel: ReturnType<typeof originalWasmKernelFunc>) =>
          tf.tidy(() => {
            const a = tf.tensor(aValues, aStored);
            const b = tf.tensor(bValues, bStored);
            const out = kernel({ inputs: { a, b }, attrs: { transposeA, transposeB }, backend }) as TensorInfo;
            const values = (backend.readSync(out.dataId) as Float32Array).slice();
            backend.disposeData(out.dataId);
            return values;
          });
        tf.setBackend('wasm');
        const wrapped = product(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc);
        const unwrapped = product(originalWasmKernelFunc('BatchMatMul'));
        expect(originalWasmKernelFunc('BatchMatMul')).not.toBe(tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc);
        expectClose(wrapped, unwrapped);
        const inputs = { a: { values: aValues, shape: aStored }, b: { values: bValues, shape: bStored } };
        expectClose(wrapped, runOn('cpu', 'BatchMatMul', inputs, { transposeA, transposeB }));
      });
    }
  }
});

describe('wasm BatchMatMul on the segmented SIMD product', () => {
  const shapes: Array<[number[], number[]]> = [
    [
      [1, 60, 800],
      [1, 800, 500],
    ],
    [
      [1, 60, 784],
      [1, 784, 300],
    ],
    [
      [1, 64, 100],
      [1, 100, 100],
    ],
    [
      [1, 8, 97],
      [1, 97, 12],
    ],
    [
      [64, 100],
      [100, 100],
    ],
  ];
  for (const [aShape, bShape] of shapes) {
    it(`gives the bits of XNNPACK's product, also through the transposing paths: a [${aShape}] · b [${bShape}]`, () => {
      const rng = new Rng(aShape[aShape.length - 1] + bShape[bShape.length - 1]);
      const [aValues, bValues] = [rng.normalArray(size(aShape)), rng.normalArray(size(bShape))];
      // Zeros as under a mask, and cancellation: the order of the additions shows in the bits.
      for (let i = 0; i < bValues.length; i += 3) bValues[i] = 0;
      tf.setBackend('wasm');
      const backend = tf.findBackend('wasm') as KernelBackend;
      const read = (out: TensorInfo) => {
        const values = (backend.readSync(out.dataId) as Float32Array).slice();
        backend.disposeData(out.dataId);
        return { shape: out.shape, bits: Array.from(new Uint32Array(values.buffer)) };
      };
      const swap = bShape.length === 2 ? [1, 0] : [0, 2, 1];
      tf.tidy(() => {
        const a = tf.tensor(aValues, aShape);
        const b = tf.tensor(bValues, bShape);
        const registered = tf.getKernel('BatchMatMul', 'wasm')!.kernelFunc;
        const xnnpack = read(
          originalWasmKernelFunc('BatchMatMul')({
            inputs: { a, b },
            attrs: { transposeA: false, transposeB: false },
            backend,
          }) as TensorInfo,
        );
        expect(read(registered({ inputs: { a, b }, attrs: { transposeA: false, transposeB: false }, backend }) as TensorInfo)).toEqual(
          xnnpack,
        );
        const aT = tf.transpose(a, swap);
        const bT = tf.transpose(b, swap);
        expect(read(registered({ inputs: { a: aT, b }, attrs: { transposeA: true, transposeB: false }, backend }) as TensorInfo)).toEqual(
          xnnpack,
        );
        expect(read(registered({ inputs: { a, b: bT }, attrs: { transposeA: false, transposeB: true }, backend }) as TensorInfo)).toEqual(
          xnnpack,
        );
      });
    });
  }
});

describe('wasm BatchMatMul a·bᵀ with the larger b, as (b·aᵀ)ᵀ', () => {
  const shapes: Array<[number[], number[]]> = [
    [
      [60, 500],
      [800, 500],
    ],
    [
      [7, 3],
      [20, 3],
    ],
    [
      [1, 60, 256],
      [1, 1000, 256],
    ],
  ];
  for (const [aShape, bShape] of shapes) {
    it(`gives the bits of tfjs's own kernel on b transposed explicitly: a [${aShape}] · b [${bShape}]ᵀ`, () => {
      const rng = new Rng(aShape[0] + bShape[0]);
      const [aValues, bValues] = [rng.normalArray(size(aShape)), rng.normalArray(size(bShape))];
      tf.setBackend('wasm');
      const backend = tf.findBackend('wasm') as KernelBackend;
      const read = (out: TensorInfo) => {
        const values = (backend.readSync(out.dataId) as Float32Array).slice();
        backend.disposeData(out.dataId);
        return Array.from(new Uint32Array(values.buffer));
      };
      tf.tidy(() => {
        const a = tf.tensor(aValues, aShape);
        const b = tf.tensor(bValues, bShape);
        const ours = read(
          tf
            .getKernel('BatchMatMul', 'wasm')!
            .kernelFunc({ inputs: { a, b }, attrs: { transposeA: false, transposeB: true }, backend }) as TensorInfo,
        );
        const bT = tf.transpose(b, bShape.length === 2 ? [1, 0] : [0, 2, 1]);
        const theirs = read(
          originalWasmKernelFunc('BatchMatMul')({
            inputs: { a, b: bT },
            attrs: { transposeA: false, transposeB: false },
            backend,
          }) as TensorInfo,
        );
        expect(ours).toEqual(theirs);
      });
    });
  }
});

describe('wasm Identity and Cast without copies', () => {
  it('keep values valid after the source is disposed or a variable is reassigned, and free memory once unused', () => {
    tf.setBackend('wasm');
    const backend = tf.findBackend('wasm') as KernelBackend;
    const before = backend.numDataIds();
    tf.tidy(() => {
      const source = tf.tensor1d([1, 2, 3]);
      const copy = tf.clone(source);
      const cast = tf.cast(source, 'float32');
      source.dispose();
      expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(cast.dataSync())).toEqual([1, 2, 3]);
      const variable = tf.variable(copy);
      variable.assign(tf.tensor1d([7, 8, 9]));
      expect(Array.from(copy.dataSync())).toEqual([1, 2, 3]);
      expect(Array.from(variable.dataSync())).toEqual([7, 8, 9]);
      variable.dispose();
      expect(Array.from(tf.cast(tf.tensor1d([1.5, -2.5]), 'int32').dataSync())).toEqual([1, -2]);
    });
    expect(backend.numDataIds()).toBe(before);
  });
});

describe('the patched wasm kernels in training', () => {
  const spec: ArchitectureSpec = {
    id: 'tiny-conv',
    inputShape: [12, 12, 1],
    layers: [
      { kind: 'conv2d', name: 'conv1', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
      { kind: 'maxPool', size: 2 },
      { kind: 'conv2d', name: 'conv2', filters: 6, kernelSize: 3, padding: 'valid', activation: 'relu' },
      { kind: 'maxPool', size: 2 },
      { kind: 'flatten' },
      { kind: 'dense', name: 'fc1', units: 16, activation: 'relu' },
      { kind: 'dense', name: 'fc2', units: 3, activation: 'linear' },
    ],
  };
  const recipe: TrainingRecipe = {
    optimizer: 'momentum',
    learningRate: 0.05,
    momentum: 0.9,
    batchSize: 8,
    epochs: 1,
    fineTuneEpochs: 0,
    schedule: { kind: 'constant' },
    selectBestEpoch: false,
  };
  const dataRng = new Rng(9);
  const data: Dataset = {
    n: 40,
    inputShape: [12, 12, 1],
    x: dataRng.normalArray(40 * 144),
    y: Int32Array.from({ length: 40 }, () => dataRng.int(3)),
    outputSize: 3,
  };

  function train(backend: 'cpu' | 'wasm', seed: number): { weights: Record<string, Float32Array>; tensorsLeft: number } {
    tf.setBackend(backend);
    const network = maskedNetwork(seed);
    const tensorsBefore = tf.memory().numTensors;
    trainNetwork({ network, train: data, recipe, epochs: 1, rng: new Rng(seed + 2), maxSteps: 4 });
    const trained = { weights: network.getWeights(), tensorsLeft: tf.memory().numTensors - tensorsBefore };
    network.dispose();
    return trained;
  }

  function maskedNetwork(seed: number): MaskedNetwork {
    const network = MaskedNetwork.initialise(spec, new Rng(seed));
    network.setMasks(
      Object.fromEntries(
        network.prunableNames.map((name) => {
          const maskRng = new Rng(seed + 1).fork(name);
          return [name, Float32Array.from({ length: network.variable(name).size }, () => (maskRng.uniform() < 0.7 ? 1 : 0))];
        }),
      ),
    );
    return network;
  }

  it('is deterministic: the same seed gives bit-identical weights on wasm', () => {
    const first = train('wasm', 3).weights;
    const second = train('wasm', 3).weights;
    for (const name of Object.keys(first))
      expect(Buffer.from(second[name].buffer).equals(Buffer.from(first[name].buffer)), name).toBe(true);
    const other = train('wasm', 4).weights;
    expect(Buffer.from(other['conv1/kernel'].buffer).equals(Buffer.from(first['conv1/kernel'].buffer))).toBe(false);
  });

  it('trains like the cpu backend and leaves no more tensors behind than it', () => {
    const wasm = train('wasm', 5);
    const cpu = train('cpu', 5);
    for (const name of Object.keys(cpu.weights)) expectClose(wasm.weights[name], cpu.weights[name]);
    expect(wasm.tensorsLeft).toBe(cpu.tensorsLeft);
  });

  it('leaves no wasm buffers behind in a gradient step (the replacement kernels allocate outside the engine)', () => {
    tf.setBackend('wasm');
    const network = maskedNetwork(7);
    const batch = gatherBatch(data, [0, 1, 2, 3, 4, 5, 6, 7]);
    const step = () => {
      const { value, grads } = tf.variableGrads(
        () => taskLoss('classification', network.forward(batch.x), batch.y),
        network.trainableVariables(),
      );
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
    };
    step();
    const buffers = tf.backend().numDataIds();
    const tensors = tf.memory().numTensors;
    step();
    step();
    expect(tf.backend().numDataIds()).toBe(buffers);
    expect(tf.memory().numTensors).toBe(tensors);
    batch.x.dispose();
    batch.y.dispose();
    network.dispose();
  });

  it('registering the patches again changes nothing', () => {
    const names = ['BatchMatMul', 'Conv2D', 'Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'Identity', 'Cast', 'Sum'];
    const kernels = names.map((k) => tf.getKernel(k, 'wasm')!.kernelFunc);
    registerWasmKernelPatches();
    names.forEach((k, i) => expect(tf.getKernel(k, 'wasm')!.kernelFunc, k).toBe(kernels[i]));
  });
});
