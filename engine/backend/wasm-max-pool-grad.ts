import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmBase64 } from '../wasm/max-pool-grad.wasm.ts';
import { simdExportsOn } from '../wasm/instantiate.ts';
import { type DimRoundingMode, type WasmBackendInternals, replaceWasmKernel } from './wasm-kernel-calls.ts';

type SimdPairPoolGrad = (
  x: number,
  dy: number,
  dx: number,
  batch: number,
  inHeight: number,
  inWidth: number,
  channels: number,
  outHeight: number,
  outWidth: number,
  vectorChannels: number,
) => void;

interface MaxPoolGradAttrs {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: DimRoundingMode;
}

/**
 * MaxPoolGrad for the wasm backend, a plain loop over the wasm heap with the cpu kernel's
 * semantics: each window's gradient goes to the first position (row-major) holding a value
 * strictly greater than every earlier one, starting from −∞, so a window of NaN or −∞ passes none;
 * overlapping windows add up in the same order and precision, so the results are bit-identical.
 * tfjs 4.22's own wasm kernel took a quarter of a LeNet-5 training step, gives the last of tied
 * maxima, and starts its running maximum at the smallest positive float, so a window whose values
 * are all ≤ 1.2e-38 (negative inputs) gets no gradient.
 */
export const wasmMaxPoolGrad: KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, input } = inputs as { dy: TensorInfo; input: TensorInfo };
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as MaxPoolGradAttrs;
  if (input.dtype !== 'float32' || dy.dtype !== 'float32')
    throw new Error(`MaxPoolGrad on wasm: float32 inputs only, got ${input.dtype} and ${dy.dtype}`);
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const wasm = backend as WasmBackendInternals;
  const out = wasm.makeOutput(input.shape, 'float32');
  // Views are taken after the allocation: growing the heap detaches earlier ones.
  const x = wasm.typedArrayFromHeap(input) as Float32Array;
  const gradient = wasm.typedArrayFromHeap(dy) as Float32Array;
  const dx = wasm.typedArrayFromHeap(out) as Float32Array;
  const {
    batchSize,
    inHeight,
    inWidth,
    inChannels: channels,
    outHeight,
    outWidth,
    strideHeight,
    strideWidth,
    filterHeight,
    filterWidth,
  } = info;
  const { top, left } = info.padInfo;
  if (filterHeight === 2 && filterWidth === 2 && strideHeight === 2 && strideWidth === 2 && top === 0 && left === 0) {
    dx.fill(0);
    const simd = simdExportsOn(backend, wasmBase64)?.pairPoolGrad as SimdPairPoolGrad | undefined;
    // The SIMD module takes four channels at a time; the loop below does the rest (all without it).
    const vectorChannels = simd ? channels - (channels % 4) : 0;
    if (simd && vectorChannels > 0)
      simd(x.byteOffset, gradient.byteOffset, dx.byteOffset, batchSize, inHeight, inWidth, channels, outHeight, outWidth, vectorChannels);
    if (vectorChannels < channels)
      pairPoolGrad(x, gradient, dx, batchSize, inHeight, inWidth, channels, outHeight, outWidth, vectorChannels);
    return out;
  }
  // Where windows overlap, a position can collect several gradients; the cpu kernel adds them in a
  // double and rounds once, so do the same.
  const overlapping = strideHeight < filterHeight || strideWidth < filterWidth;
  const sums: Float32Array | Float64Array = overlapping ? new Float64Array(dx.length) : dx;
  sums.fill(0);
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const xRCorner = yR * strideHeight - top;
      const xRMin = Math.max(0, xRCorner);
      const xRMax = Math.min(inHeight, xRCorner + filterHeight);
      for (let yC = 0; yC < outWidth; yC++) {
        const xCCorner = yC * strideWidth - left;
        const xCMin = Math.max(0, xCCorner);
        const xCMax = Math.min(inWidth, xCCorner + filterWidth);
        const dyPixel = ((b * outHeight + yR) * outWidth + yC) * channels;
        for (let d = 0; d < channels; d++) {
          let maxValue = -Infinity;
          let maxPosition = -1;
          for (let xR = xRMin; xR < xRMax; xR++) {
            let offset = ((b * inHeight + xR) * inWidth + xCMin) * channels + d;
            for (let xC = xCMin; xC < xCMax; xC++, offset += channels) {
              const value = x[offset];
              if (value > maxValue) {
                maxValue = value;
                maxPosition = offset;
              }
            }
          }
          if (maxPosition >= 0) sums[maxPosition] += gradient[dyPixel + d];
        }
      }
    }
  }
  if (overlapping) dx.set(sums);
  return out;
};

/** The same for the common 2×2 windows at stride 2 without padding, unrolled (2–3× faster), for channels from `firstChannel` on; dx is zeroed. */
function pairPoolGrad(
  x: Float32Array,
  gradient: Float32Array,
  dx: Float32Array,
  batchSize: number,
  inHeight: number,
  inWidth: number,
  channels: number,
  outHeight: number,
  outWidth: number,
  firstChannel: number,
): void {
  const rowStride = inWidth * channels;
  let dyPixel = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let yR = 0; yR < outHeight; yR++) {
      const windowRow = (b * inHeight + 2 * yR) * rowStride;
      for (let yC = 0; yC < outWidth; yC++, dyPixel += channels) {
        const windowCorner = windowRow + 2 * yC * channels;
        for (let d = firstChannel; d < channels; d++) {
          const topLeft = windowCorner + d;
          const topRight = topLeft + channels;
          const bottomLeft = topLeft + rowStride;
          const bottomRight = bottomLeft + channels;
          let maxValue = -Infinity;
          let maxPosition = -1;
          if (x[topLeft] > maxValue) {
            maxValue = x[topLeft];
            maxPosition = topLeft;
          }
          if (x[topRight] > maxValue) {
            maxValue = x[topRight];
            maxPosition = topRight;
          }
          if (x[bottomLeft] > maxValue) {
            maxValue = x[bottomLeft];
            maxPosition = bottomLeft;
          }
          if (x[bottomRight] > maxValue) maxPosition = bottomRight;
          // Adding to the zero, as the cpu kernel does, turns a −0 gradient into +0.
          if (maxPosition >= 0) dx[maxPosition] += gradient[dyPixel + d];
        }
      }
    }
  }
}

/** Replaces the wasm MaxPoolGrad (idempotent). */
export function registerWasmMaxPoolGrad(): void {
  replaceWasmKernel('MaxPoolGrad', () => wasmMaxPoolGrad);
}
