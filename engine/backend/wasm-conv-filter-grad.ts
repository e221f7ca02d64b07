import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { gemmFilterGradient } from './wasm-gemm-convolution.ts';
import { type Conv2DPad, type DimRoundingMode, disposeIntermediate, runWasmKernel } from './wasm-kernel-calls.ts';
import { segmentedGemmAvailable } from './wasm-segmented-gemm.ts';

interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: Conv2DPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: DimRoundingMode;
  filterShape: [number, number, number, number];
}

/**
 * The filter gradient of a 2-D convolution, which tfjs 4.22's wasm backend lacks, built from wasm
 * kernels. With the input x padded as the forward pass pads it and the output gradient dy:
 *   dW[kh, kw, ci, co] = Σ_{b, i, j} x[b, i·sh + kh, j·sw + kw, ci] · dy[b, i, j, co],
 * a stride-1 convolution of x transposed to [ci, H, W, b] with dy transposed to [oh, ow, b, co]
 * as the filter at dilation (sh, sw); its [ci, kh, kw, co] corner, transposed, is dW.
 * Same semantics as the cpu backend's kernel: any stride, explicit or named padding, rounding
 * mode, NHWC or NCHW; the kernel has no dilation attribute (tfjs's conv2d gradient rejects dilated
 * convolutions before reaching it).
 */
export const wasmConv2DBackpropFilter: KernelFunc = (args) =>
  filterGradient(args, (inputs, attrs, backend) => runWasmKernel('Conv2D', inputs, attrs, backend), true);

type Convolve = (inputs: Record<string, TensorInfo>, attrs: object, backend: unknown) => TensorInfo;

/**
 * The filter gradient, through `convolve` (a wasm Conv2D) as a dilated convolution, or for
 * stride-1 NHWC convolutions, when `segmented`, on the segmented matrix product over the same
 * transposed operands, in the same order (bit-identical; see gemmFilterGradient).
 */
export function filterGradient({ inputs, backend, attrs }: Parameters<KernelFunc>[0], convolve: Convolve, segmented: boolean): TensorInfo {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as Conv2DBackpropFilterAttrs;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32')
    throw new Error(`Conv2DBackpropFilter on wasm: float32 inputs only, got ${x.dtype} and ${dy.dtype}`);
  const channelsLast = dataFormat !== 'NCHW';
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    channelsLast ? 'channelsLast' : 'channelsFirst',
  );
  const { strideHeight, strideWidth, filterHeight, filterWidth, outHeight, outWidth, inHeight, inWidth } = info;
  const { top, left } = info.padInfo;
  // With rounding mode 'ceil' the last output row or column can read past the padded input, where
  // the cpu kernel reads zeros; pad enough that the dilated dy always fits.
  const bottom = Math.max(info.padInfo.bottom, (outHeight - 1) * strideHeight + filterHeight - inHeight - top);
  const right = Math.max(info.padInfo.right, (outWidth - 1) * strideWidth + filterWidth - inWidth - left);
  if (segmented && channelsLast && strideHeight === 1 && strideWidth === 1 && segmentedGemmAvailable(backend)) {
    return gemmFilterGradient(x, dy, filterShape, { top, bottom, left, right }, backend);
  }
  const xT = runWasmKernel('Transpose', { x }, { perm: channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0] }, backend);
  const dyT = runWasmKernel('Transpose', { x: dy }, { perm: channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1] }, backend);
  const full = convolve(
    { x: xT, filter: dyT },
    // Padding inside the convolution (XNNPACK reads zeros there) is free; a PadV2 copy of x took a fifth of this kernel.
    {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [strideHeight, strideWidth],
      dimRoundingMode: undefined,
    },
    backend,
  );
  disposeIntermediate(backend, xT, dyT);
  const exact = full.shape[1] === filterHeight && full.shape[2] === filterWidth;
  const cropped = exact
    ? full
    : runWasmKernel(
        'Slice',
        { x: full },
        { begin: [0, 0, 0, 0], size: [info.inChannels, filterHeight, filterWidth, info.outChannels] },
        backend,
      );
  if (!exact) disposeIntermediate(backend, full);
  const dW = runWasmKernel('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] }, backend);
  disposeIntermediate(backend, cropped);
  return dW;
}

/** Registers the kernel for the wasm backend unless one is registered already. */
export function registerWasmConv2DBackpropFilter(): void {
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) {
    tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: wasmConv2DBackpropFilter });
  }
}
