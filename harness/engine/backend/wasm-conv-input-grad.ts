import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { type Conv2DPad, type DimRoundingMode, disposeIntermediate, replaceWasmKernel, runWasmKernel } from './wasm-kernel-calls.ts';

interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: Conv2DPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: DimRoundingMode;
  inputShape: [number, number, number, number];
}

/**
 * The input gradient of a stride-1 convolution as a convolution: dy padded by (k − 1 − pad) on each
 * side (inside the convolution, which reads zeros there, rather than by a PadV2 copy), convolved
 * with the kernel rotated by 180° and with its channel axes swapped. The wasm backend's own
 * Conv2DBackpropInput is a plain loop and took most of a LeNet-5 training step; this runs on the
 * wasm Conv2D (`convolve`; by default the registered one, PruneBench's segmented convolution).
 * Strided, channels-first and over-padded convolutions (padding wider than
 * the kernel) keep the original kernel.
 */
export function convolutionalBackpropInput(original: KernelFunc, convolve: KernelFunc = (args) => runWasmKernel('Conv2D', args.inputs as Record<string, TensorInfo>, args.attrs ?? {}, args.backend)): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as Conv2DBackpropInputAttrs;
    const [strideHeight, strideWidth] = typeof strides === 'number' ? [strides, strides] : strides;
    if (dataFormat === 'NCHW' || strideHeight !== 1 || strideWidth !== 1 || dy.dtype !== 'float32') return original(args);
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], 1, 1, pad, dimRoundingMode, false, 'channelsLast');
    const { top, bottom, left, right } = info.padInfo;
    const kh = info.filterHeight;
    const kw = info.filterWidth;
    const paddings = [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]];
    if (paddings.some(([before, after]) => before < 0 || after < 0)) return original(args);
    const rotated = runWasmKernel('Reverse', { x: filter }, { dims: [0, 1] }, backend);
    const swapped = runWasmKernel('Transpose', { x: rotated }, { perm: [0, 1, 3, 2] }, backend);
    disposeIntermediate(backend, rotated);
    const dx = convolve({ inputs: { x: dy, filter: swapped }, attrs: { strides: [1, 1], pad: paddings, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as unknown as NamedAttrMap, backend }) as TensorInfo;
    disposeIntermediate(backend, swapped);
    return dx;
  };
}

/** Wraps the registered wasm Conv2DBackpropInput (idempotent). */
export function registerConvolutionalWasmBackpropInput(): void {
  replaceWasmKernel('Conv2DBackpropInput', convolutionalBackpropInput);
}
