import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { gemmConvolution } from './wasm-gemm-convolution.ts';
import {
  type Conv2DPad,
  type DimRoundingMode,
  type WasmBackendInternals,
  disposeIntermediate,
  replaceWasmKernel,
  runWasmKernel,
} from './wasm-kernel-calls.ts';
import { segmentedGemmAvailable } from './wasm-segmented-gemm.ts';

interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: Conv2DPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: DimRoundingMode;
  inputShape: [number, number, number, number];
}

/**
 * The input gradient of a stride-1 convolution as a convolution: dy padded by (k − 1 − pad) on each
 * side, convolved with the kernel rotated by 180° and with its channel axes swapped. The wasm
 * backend's own Conv2DBackpropInput is a plain loop and took most of a LeNet-5 training step; this
 * runs on `convolve`: by default the segmented convolution in pixel-major order, which skips
 * exactly the padding each output position cannot reach (else the registered wasm Conv2D, which
 * pads inside XNNPACK's convolution). The same bits either way. Strided, channels-first and
 * over-padded convolutions (padding wider than the kernel) keep the original kernel.
 */
export function convolutionalBackpropInput(original: KernelFunc, convolve: KernelFunc = paddingSkippingConvolution): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    const [strideHeight, strideWidth] = typeof strides === 'number' ? [strides, strides] : strides;
    if (dataFormat === 'NCHW' || strideHeight !== 1 || strideWidth !== 1 || dy.dtype !== 'float32') return original(args);
    const info = tf.backend_util.computeConv2DInfo(
      inputShape,
      filter.shape as [number, number, number, number],
      1,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { top, bottom, left, right } = info.padInfo;
    const kh = info.filterHeight;
    const kw = info.filterWidth;
    const paddings = [
      [0, 0],
      [kh - 1 - top, kh - 1 - bottom],
      [kw - 1 - left, kw - 1 - right],
      [0, 0],
    ];
    if (paddings.some(([before, after]) => before < 0 || after < 0)) return original(args);
    const swapped = rotatedSwappedFilter(filter, backend);
    const dx = convolve({
      inputs: { x: dy, filter: swapped },
      attrs: {
        strides: [1, 1],
        pad: paddings,
        dataFormat: 'NHWC',
        dilations: [1, 1],
        dimRoundingMode: undefined,
      } as unknown as NamedAttrMap,
      backend,
    }) as TensorInfo;
    disposeIntermediate(backend, swapped);
    return dx;
  };
}

/**
 * The filter rotated by 180° with its channel axes swapped, w′[kh, kw, o, c] = w[KH−1−kh, KW−1−kw,
 * c, o], as one copy over the heap: tfjs's wasm Reverse and Transpose took half a millisecond for
 * LeNet-5's 25,000 weights.
 */
function rotatedSwappedFilter(filter: TensorInfo, backend: unknown): TensorInfo {
  if (filter.dtype !== 'float32') {
    const rotated = runWasmKernel('Reverse', { x: filter }, { dims: [0, 1] }, backend);
    const swapped = runWasmKernel('Transpose', { x: rotated }, { perm: [0, 1, 3, 2] }, backend);
    disposeIntermediate(backend, rotated);
    return swapped;
  }
  const [kh, kw, c, o] = filter.shape;
  const wasm = backend as WasmBackendInternals;
  const out = wasm.makeOutput([kh, kw, o, c], 'float32');
  // Views after the allocation: growing the heap detaches earlier ones.
  const source = wasm.typedArrayFromHeap(filter) as Float32Array;
  const target = wasm.typedArrayFromHeap(out) as Float32Array;
  let t = 0;
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      const position = ((kh - 1 - y) * kw + (kw - 1 - x)) * c * o;
      for (let oc = 0; oc < o; oc++) for (let ic = 0; ic < c; ic++) target[t++] = source[position + ic * o + oc];
    }
  }
  return out;
}

/** A stride-1 NHWC convolution with explicit padding, for the input gradient. */
const paddingSkippingConvolution: KernelFunc = (args) => {
  const inputs = args.inputs as { x: TensorInfo; filter: TensorInfo };
  if (!segmentedGemmAvailable(args.backend)) return runWasmKernel('Conv2D', inputs, args.attrs ?? {}, args.backend);
  const [, [top, bottom], [left, right]] = (
    args.attrs as unknown as { pad: [[number, number], [number, number], [number, number], [number, number]] }
  ).pad;
  return gemmConvolution(inputs.x, inputs.filter, { top, bottom, left, right }, args.backend, 'pixel-major', true);
};

/** Wraps the registered wasm Conv2DBackpropInput (idempotent). */
export function registerConvolutionalWasmBackpropInput(): void {
  replaceWasmKernel('Conv2DBackpropInput', convolutionalBackpropInput);
}
