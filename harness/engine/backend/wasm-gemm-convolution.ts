import type { TensorInfo } from '@tensorflow/tfjs-core';
import { disposeIntermediate, runWasmKernel } from './wasm-kernel-calls.ts';
import { croppedResult, matrixView, segmentedGemm, withPaddedColumns, type SegmentedRows } from './wasm-segmented-gemm.ts';

/** Zero padding of the two spatial axes of an NHWC tensor. */
export interface SpatialPadding {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

const padded = (p: SpatialPadding) => p.top + p.bottom + p.left + p.right > 0;

function padSpatially(x: TensorInfo, p: SpatialPadding, backend: unknown): TensorInfo {
  return runWasmKernel('PadV2', { x }, { paddings: [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]], constantValue: 0 }, backend);
}

/** B's rows in use per pass: about 128 KiB of them, so they stay in the second-level cache. */
function segmentBlock(segmentLength: number, columns: number): number {
  return Math.max(1, Math.floor((128 * 1024) / (4 * segmentLength * columns)));
}

/**
 * A stride-1, undilated NHWC convolution, y[b, i, j, o] = Σ_{kh, kw, c} x̃[b, i+kh, j+kw, c] ·
 * w[kh, kw, c, o] with x̃ the input zero-padded by `padding`, as the segmented matrix product: row
 * (b, i, j) of A is the input's rows i…i+KH−1, each a run of KW·C floats. Runs that reach only
 * padding are skipped (they would add ±0).
 */
export function gemmConvolution(x: TensorInfo, filter: TensorInfo, padding: SpatialPadding, backend: unknown): TensorInfo {
  const [batch, height, width, channels] = x.shape;
  const [kh, kw, , outChannels] = filter.shape;
  const input = padded(padding) ? padSpatially(x, padding, backend) : x;
  const [paddedHeight, paddedWidth] = [height + padding.top + padding.bottom, width + padding.left + padding.right];
  const [outHeight, outWidth] = [paddedHeight - kh + 1, paddedWidth - kw + 1];
  const { matrix: weights, copied } = withPaddedColumns(matrixView(filter, kh * kw * channels, outChannels), backend);
  const pixels = outHeight * outWidth;
  const layout: SegmentedRows = {
    rows: batch * pixels,
    rowOffset: (m) => ((Math.floor(m / pixels) * paddedHeight + Math.floor(m / outWidth) % outHeight) * paddedWidth + (m % outWidth)) * channels,
    segments: kh,
    segmentStride: paddedWidth * channels,
    segmentLength: kw * channels,
    reach: padded(padding)
      ? (m) => {
          const i = Math.floor(m / outWidth) % outHeight;
          const j = m % outWidth;
          const columns: [number, number] = [Math.max(0, padding.left - j), Math.min(kw, padding.left + width - j)];
          return { segments: [Math.max(0, padding.top - i), Math.min(kh, padding.top + height - i)], positions: [columns[0] * channels, columns[1] * channels] };
        }
      : undefined,
  };
  const c = segmentedGemm(backend, input, weights, layout, segmentBlock(layout.segmentLength, weights.shape[1]));
  if (input !== x) disposeIntermediate(backend, input);
  if (copied) disposeIntermediate(backend, weights);
  return croppedResult(backend, c, layout.rows, outChannels, [batch, outHeight, outWidth, outChannels]);
}

/**
 * The filter gradient of a stride-1 NHWC convolution, dW[kh, kw, c, o] = Σ_{i, j, b}
 * x̃[b, i+kh, j+kw, c] · dy[b, i, j, o], as the segmented matrix product over x transposed to
 * [c, H, W, batch] (padded) and dy transposed to [outH, outW, batch, o]: row (kh, kw, c) of A is
 * x̃'s rows kh…kh+outH−1, each a run of outW·batch floats. The sum runs over (i, j, b) in that
 * order, as XNNPACK's convolution of the same transposed operands does.
 */
export function gemmFilterGradient(x: TensorInfo, dy: TensorInfo, filterShape: number[], padding: SpatialPadding, backend: unknown): TensorInfo {
  const [batch, height, width, channels] = x.shape;
  const [, outHeight, outWidth, outChannels] = dy.shape;
  const [kh, kw] = filterShape;
  const transposed = runWasmKernel('Transpose', { x }, { perm: [3, 1, 2, 0] }, backend);
  const input = padded(padding) ? padSpatially(transposed, padding, backend) : transposed;
  if (input !== transposed) disposeIntermediate(backend, transposed);
  const [paddedHeight, paddedWidth] = [height + padding.top + padding.bottom, width + padding.left + padding.right];
  const dyT = runWasmKernel('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }, backend);
  const { matrix: gradients, copied } = withPaddedColumns(matrixView(dyT, outHeight * outWidth * batch, outChannels), backend);
  if (copied) disposeIntermediate(backend, dyT);
  const layout: SegmentedRows = {
    rows: kh * kw * channels,
    rowOffset: (p) => ((p % channels) * paddedHeight + Math.floor(p / (kw * channels))) * paddedWidth * batch + (Math.floor(p / channels) % kw) * batch,
    segments: outHeight,
    segmentStride: paddedWidth * batch,
    segmentLength: outWidth * batch,
  };
  const c = segmentedGemm(backend, input, gradients, layout, segmentBlock(layout.segmentLength, gradients.shape[1]));
  disposeIntermediate(backend, input, gradients);
  return croppedResult(backend, c, layout.rows, outChannels, [kh, kw, channels, outChannels]);
}
