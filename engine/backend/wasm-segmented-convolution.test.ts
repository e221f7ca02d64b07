import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from './backend-selection.ts';
import { filterGradient } from './wasm-conv-filter-grad.ts';
import { convolutionalBackpropInput } from './wasm-conv-input-grad.ts';
import { gemmConvolution } from './wasm-gemm-convolution.ts';
import { originalWasmKernelFunc, runWasmKernel } from './wasm-kernel-calls.ts';
import { Rng } from '../rng.ts';
import { type ConvShape, randomConvShape } from './testing/conv-shapes.ts';
import { bits, expectClose, onCpu, onWasm, size } from './testing/kernel-runs.ts';

beforeAll(async () => {
  await selectBackend('wasm');
});

interface Case extends ConvShape {
  /** Fraction of filter weights kept; the rest are 0, as under a mask. */
  density: number;
}

const describeCase = (c: Case) => `x [${c.xShape}], filter [${c.filterShape}], pad ${JSON.stringify(c.pad)}, density ${c.density}`;

/** Stride-1 NHWC cases: the suites' shapes (smaller batches), then random ones with odd sizes, channel counts off multiples of 4, batches off multiples of 4, explicit asymmetric padding. */
function cases(): Case[] {
  const out: Case[] = [
    { xShape: [12, 28, 28, 1], filterShape: [5, 5, 1, 20], pad: 'valid', density: 0.1 },
    { xShape: [12, 12, 12, 20], filterShape: [5, 5, 20, 50], pad: 'valid', density: 0.1 },
    { xShape: [6, 32, 32, 3], filterShape: [3, 3, 3, 64], pad: 'same', density: 0.1 },
    { xShape: [6, 16, 16, 64], filterShape: [3, 3, 64, 128], pad: 'same', density: 1 },
  ];
  const rng = new Rng(91);
  while (out.length < 20) {
    const shape = randomConvShape(rng, 13);
    out.push({ ...shape, density: rng.int(2) === 0 ? 1 : 0.1 });
  }
  return out.filter((c) => outShape(c).every((d) => d > 0));
}

function outShape(c: Case): number[] {
  return tf.backend_util.computeConv2DInfo(c.xShape, c.filterShape, 1, 1, c.pad, undefined, false, 'channelsLast').outShape;
}

function padding(c: Case) {
  const { top, bottom, left, right } = tf.backend_util.computeConv2DInfo(
    c.xShape,
    c.filterShape,
    1,
    1,
    c.pad,
    undefined,
    false,
    'channelsLast',
  ).padInfo;
  return { top, bottom, left, right };
}

function values(c: Case, seed: number) {
  const rng = new Rng(seed);
  const filter = rng.normalArray(size(c.filterShape)).map((v) => (rng.uniform() < c.density ? v : 0));
  return { x: rng.normalArray(size(c.xShape)), filter, dy: rng.normalArray(size(outShape(c))) };
}

const xnnpackConvolution: KernelFunc = (args) => originalWasmKernelFunc('Conv2D')(args);
const call = (kernel: KernelFunc, inputs: Record<string, TensorInfo>, attrs: object, backend: KernelBackend) =>
  kernel({ inputs, attrs: attrs as NamedAttrMap, backend }) as TensorInfo;

describe('segmented SIMD convolutions on wasm', () => {
  cases().forEach((c, i) => {
    const v = values(c, 500 + i);
    const arrays = {
      x: { values: v.x, shape: c.xShape },
      filter: { values: v.filter, shape: c.filterShape },
      dy: { values: v.dy, shape: outShape(c) },
    };
    const convAttrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] };
    const filterAttrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', filterShape: c.filterShape };
    const inputAttrs = { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', inputShape: c.xShape };

    it(`forward: the same bits as XNNPACK, on repeat too, and the cpu kernel within tolerance: ${describeCase(c)}`, () => {
      const ours = onWasm(arrays, ({ x, filter }, backend) => gemmConvolution(x, filter, padding(c), backend));
      const again = onWasm(arrays, ({ x, filter }, backend) => gemmConvolution(x, filter, padding(c), backend));
      const registered = onWasm(arrays, ({ x, filter }, backend) =>
        call(tf.getKernel('Conv2D', 'wasm')!.kernelFunc, { x, filter }, convAttrs, backend),
      );
      const xnnpack = onWasm(arrays, ({ x, filter }, backend) => call(xnnpackConvolution, { x, filter }, convAttrs, backend));
      expect(bits(ours)).toEqual(bits(xnnpack));
      expect(bits(again)).toEqual(bits(ours));
      expect(bits(registered)).toEqual(bits(xnnpack));
      expectClose(ours, onCpu('Conv2D', { x: arrays.x, filter: arrays.filter }, convAttrs));
    });

    it(`filter gradient: the same bits as the XNNPACK route, on repeat too, and the cpu kernel within tolerance: ${describeCase(c)}`, () => {
      const viaXnnpack = (inputs: Record<string, TensorInfo>, attrs: object, backend: unknown) =>
        call(xnnpackConvolution, inputs, attrs, backend as KernelBackend);
      const registered = () =>
        onWasm(arrays, ({ x, dy }, backend) =>
          call(tf.getKernel('Conv2DBackpropFilter', 'wasm')!.kernelFunc, { x, dy }, filterAttrs, backend),
        );
      const ours = registered();
      const xnnpack = onWasm(arrays, ({ x, dy }, backend) =>
        filterGradient({ inputs: { x, dy }, attrs: filterAttrs as unknown as NamedAttrMap, backend }, viaXnnpack, false),
      );
      expect(bits(ours)).toEqual(bits(xnnpack));
      expect(bits(registered())).toEqual(bits(ours));
      expectClose(ours, onCpu('Conv2DBackpropFilter', { x: arrays.x, dy: arrays.dy }, filterAttrs));
    });

    it(`input gradient: the same bits as the XNNPACK route, on repeat too, and the cpu kernel within tolerance: ${describeCase(c)}`, () => {
      const xnnpackRoute = convolutionalBackpropInput(originalWasmKernelFunc('Conv2DBackpropInput'), xnnpackConvolution);
      const registered = () =>
        onWasm(arrays, ({ dy, filter }, backend) =>
          call(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc, { dy, filter }, inputAttrs, backend),
        );
      const segmentedRoute = convolutionalBackpropInput(originalWasmKernelFunc('Conv2DBackpropInput'), (args) => {
        const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
        const { pad } = args.attrs as unknown as { pad: [[number, number], [number, number], [number, number], [number, number]] };
        return gemmConvolution(x, filter, { top: pad[1][0], bottom: pad[1][1], left: pad[2][0], right: pad[2][1] }, args.backend);
      });
      const ours = onWasm(arrays, ({ dy, filter }, backend) => call(segmentedRoute, { dy, filter }, inputAttrs, backend));
      const xnnpack = onWasm(arrays, ({ dy, filter }, backend) => call(xnnpackRoute, { dy, filter }, inputAttrs, backend));
      expect(bits(ours)).toEqual(bits(xnnpack));
      expect(bits(registered())).toEqual(bits(xnnpack));
      expect(bits(registered())).toEqual(bits(registered()));
      expectClose(ours, onCpu('Conv2DBackpropInput', { dy: arrays.dy, filter: arrays.filter }, inputAttrs));
    });
  });

  it('is in use: Conv2D is the replacement, and leaves no wasm buffers behind', () => {
    expect(tf.getKernel('Conv2D', 'wasm')!.kernelFunc).not.toBe(originalWasmKernelFunc('Conv2D'));
    const c = cases()[1];
    const v = values(c, 1);
    tf.setBackend('wasm');
    const backend = tf.findBackend('wasm') as KernelBackend;
    const x = tf.tensor(v.x, c.xShape);
    const filter = tf.tensor(v.filter, c.filterShape);
    const before = backend.numDataIds();
    const out = runWasmKernel('Conv2D', { x, filter }, { strides: [1, 1], pad: c.pad, dataFormat: 'NHWC', dilations: [1, 1] }, backend);
    backend.disposeData(out.dataId);
    expect(backend.numDataIds()).toBe(before);
    x.dispose();
    filter.dispose();
  });
});
