import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { gemmConvolution } from './wasm-gemm-convolution.ts';
import { type Conv2DPad, type DimRoundingMode, replaceWasmKernel } from './wasm-kernel-calls.ts';
import { segmentedGemmAvailable } from './wasm-segmented-gemm.ts';

interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: Conv2DPad;
  dataFormat: 'NHWC' | 'NCHW';
  dilations: [number, number] | number;
  dimRoundingMode?: DimRoundingMode;
}

/** Input runs (KW·C floats) below this length stay on XNNPACK; both give the same bits. */
const SHORTEST_RUN = 16;

const ones = (v: [number, number] | number) => (typeof v === 'number' ? v === 1 : v[0] === 1 && v[1] === 1);

/**
 * Stride-1, undilated NHWC convolutions (every convolution the suites train) on the segmented
 * matrix product (segmented-gemm.wat), which reads the input in place and skips the padding:
 * bit-identical to tfjs's XNNPACK convolution for finite weights (same products, same order; a
 * skipped padding product is ±0 and adding it changes nothing), faster on the suites' shapes
 * (measured 1–1.1× on forward passes, 1.3–1.9× as the input gradient, whose padding it skips).
 * Other convolutions keep the original.
 */
export function segmentedConvolution(original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, filter } = inputs as { x: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dilations, dimRoundingMode } = attrs as unknown as Conv2DAttrs;
    const plain = dataFormat !== 'NCHW' && ones(strides) && ones(dilations) && x.dtype === 'float32' && filter.dtype === 'float32';
    if (!plain || !segmentedGemmAvailable(backend)) return original(args);
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filter.shape as [number, number, number, number],
      1,
      1,
      pad,
      dimRoundingMode,
      false,
      'channelsLast',
    );
    const { top, bottom, left, right } = info.padInfo;
    if (Math.min(top, bottom, left, right) < 0 || info.outHeight <= 0 || info.outWidth <= 0) return original(args);
    // With runs this short (a first layer: KW·C floats) XNNPACK's kernel was as fast or faster; so
    // was the sparse product (measured with 90 % masks: LeNet-5 conv1 1.07×, Conv-4 conv1 0.8×).
    if (info.filterWidth * info.inChannels < SHORTEST_RUN) return original(args);
    return gemmConvolution(x, filter, { top, bottom, left, right }, backend, 'batch-major', true);
  };
}

/** Wraps the registered wasm Conv2D (idempotent). */
export function registerSegmentedWasmConvolution(): void {
  replaceWasmKernel('Conv2D', segmentedConvolution);
}
