import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

type Backend = { disposeData(dataId: object): void };

function runKernel(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap, backend: unknown): TensorInfo {
  const config = tf.getKernel(name, 'wasm');
  if (!config) throw new Error(`wasm backend has no '${name}' kernel`);
  return config.kernelFunc({ inputs, attrs, backend: backend as object }) as TensorInfo;
}

function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/**
 * The filter gradient of a convolution, built from wasm kernels. With channels-last input x
 * [n, H, W, ci] (padded as the forward pass pads it) and output gradient dy [n, oh, ow, co]:
 *   dW[kh, kw, ci, co] = Σ_{n, i, j} x[n, i·s + kh, j·s + kw, ci] · dy[n, i, j, co],
 * which is a stride-1 convolution of x transposed to [ci, H, W, n] with dy transposed to
 * [oh, ow, n, co] at dilation s, cropped to the kernel size and transposed back.
 * Like the cpu backend's kernel, it supports any stride and padding with dilation 1.
 */
const conv2dBackpropFilter: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as {
    strides: [number, number] | number;
    pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
    dataFormat: 'NHWC' | 'NCHW';
    dimRoundingMode?: 'floor' | 'round' | 'ceil';
    filterShape: [number, number, number, number];
  };
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter on wasm: only NHWC (channels-last) is supported');
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const dispose = (t: TensorInfo) => (backend as Backend).disposeData(t.dataId);
  const { top, bottom, left, right } = info.padInfo;
  const padded = top || bottom || left || right
    ? runKernel('PadV2', { x }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 } as unknown as NamedAttrMap, backend)
    : null;
  const xT = runKernel('Transpose', { x: padded ?? x }, { perm: [3, 1, 2, 0] } as unknown as NamedAttrMap, backend);
  if (padded) dispose(padded);
  const dyT = runKernel('Transpose', { x: dy }, { perm: [1, 2, 0, 3] } as unknown as NamedAttrMap, backend);
  const full = runKernel('Conv2D', { x: xT, filter: dyT }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [info.strideHeight, info.strideWidth], dimRoundingMode: undefined } as unknown as NamedAttrMap, backend);
  dispose(xT);
  dispose(dyT);
  const cropped = runKernel('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [info.inChannels, info.filterHeight, info.filterWidth, info.outChannels] } as unknown as NamedAttrMap, backend);
  dispose(full);
  const dW = runKernel('Transpose', { x: cropped }, { perm: [1, 2, 0, 3] } as unknown as NamedAttrMap, backend);
  dispose(cropped);
  return dW;
};

/**
 * The input gradient of a stride-1 convolution as a convolution: dy padded by (k − 1 − pad) on each
 * side, convolved with the kernel rotated by 180° and with its channel axes swapped. The wasm
 * backend's own Conv2DBackpropInput is a plain loop and took most of a LeNet-5 training step; this
 * runs on the XNNPACK convolution. Strided convolutions keep the original kernel.
 */
function convolutionalBackpropInput(original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs as unknown as {
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      inputShape: [number, number, number, number];
    };
    const [strideHeight, strideWidth] = typeof strides === 'number' ? [strides, strides] : strides;
    if (dataFormat === 'NCHW' || strideHeight !== 1 || strideWidth !== 1) return original(args);
    const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], 1, 1, pad, dimRoundingMode, false, 'channelsLast');
    const dispose = (t: TensorInfo) => (backend as Backend).disposeData(t.dataId);
    const { top, bottom, left, right } = info.padInfo;
    const kh = info.filterHeight;
    const kw = info.filterWidth;
    const padded = runKernel('PadV2', { x: dy }, { paddings: [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]], constantValue: 0 } as unknown as NamedAttrMap, backend);
    const rotated = runKernel('Reverse', { x: filter }, { dims: [0, 1] } as unknown as NamedAttrMap, backend);
    const swapped = runKernel('Transpose', { x: rotated }, { perm: [0, 1, 3, 2] } as unknown as NamedAttrMap, backend);
    dispose(rotated);
    const dx = runKernel('Conv2D', { x: padded, filter: swapped }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined } as unknown as NamedAttrMap, backend);
    dispose(padded);
    dispose(swapped);
    return dx;
  };
}

/**
 * The wasm BatchMatMul is several times slower with transposeA/transposeB set, and every matmul
 * gradient sets one; transposing explicitly and multiplying untransposed is faster.
 */
function untransposedBatchMatMul(original: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const aT = transposeA ? runKernel('Transpose', { x: a }, { perm: swapLastTwo(a.shape.length) } as unknown as NamedAttrMap, backend) : a;
    const bT = transposeB ? runKernel('Transpose', { x: b }, { perm: swapLastTwo(b.shape.length) } as unknown as NamedAttrMap, backend) : b;
    const out = original({ inputs: { a: aT, b: bT }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as TensorInfo;
    if (transposeA) (backend as Backend).disposeData(aT.dataId);
    if (transposeB) (backend as Backend).disposeData(bT.dataId);
    return out;
  };
}

let patched = false;

/** Registers the missing and the faster wasm kernels. Idempotent; call before the wasm backend initialises or after. */
export function registerWasmKernelPatches(): void {
  if (patched) return;
  const matmul = tf.getKernel('BatchMatMul', 'wasm');
  if (!matmul) throw new Error('registerWasmKernelPatches: import @tensorflow/tfjs-backend-wasm first');
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...matmul, kernelFunc: untransposedBatchMatMul(matmul.kernelFunc) } as KernelConfig);
  const backpropInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  tf.registerKernel({ ...backpropInput, kernelFunc: convolutionalBackpropInput(backpropInput.kernelFunc) } as KernelConfig);
  if (!tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2dBackpropFilter });
  patched = true;
}
