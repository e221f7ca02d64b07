import type { TensorInfo } from '@tensorflow/tfjs-core';
import { croppedResult, segmentedGemm, segmentedGemmAvailable } from './wasm-segmented-gemm.ts';
import type { ZeroStepSkipping } from './wasm-sparse-gemm.ts';

/** Below this depth XNNPACK's matrix product was faster (measured: [800, 60]·[60, 500]). */
const SHALLOWEST = 64;

/**
 * A masked weight's zero steps (x·(W⊙M): B; (W⊙M)·dzᵀ, the input gradient: A), skipped where at
 * most 70 % of them would be kept: the dense product runs near the SIMD peak here (measured
 * break-even: about 70 % kept for lists per panel of B, 75 % per tile of A).
 */
const ZERO_STEPS: ZeroStepSkipping = { byTile: true, densestShare: 0.7 };

/** B's rows in use per pass: about 128 KiB of them. */
const BLOCK_FLOATS = 32 * 1024;

/** The run length for a depth k: a divisor of k that keeps a pass's rows of B in cache, else k. */
function runLength(k: number, n: number): number {
  const target = Math.max(16, Math.floor(BLOCK_FLOATS / n));
  let best = 1;
  for (let length = 1; length <= Math.min(k, target); length++) if (k % length === 0) best = length;
  return best >= 16 ? best : k;
}

/**
 * a [m, k] · b [k, n] (or one matrix of a batch) on the segmented SIMD product, or null where
 * XNNPACK's is used: shallow products, and shapes off multiples of 4 (they would need copies). The
 * same bits as XNNPACK's product (each output summed one product at a time in k order, from 0),
 * and faster in training, where b is a new tensor every step (W⊙M, a gradient): XNNPACK creates an
 * operator and repacks b for every new b, which cost as much as the product for LeNet-5's first
 * dense layer; this reads b in place.
 */
export function segmentedMatMul(a: TensorInfo, b: TensorInfo, backend: unknown): TensorInfo | null {
  const single = (t: TensorInfo) => t.shape.length === 2 || (t.shape.length === 3 && t.shape[0] === 1);
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !single(a) || !single(b)) return null;
  const [m, k] = a.shape.slice(-2);
  const [kb, n] = b.shape.slice(-2);
  if (k !== kb || k < SHALLOWEST || m % 4 !== 0 || n % 4 !== 0 || !segmentedGemmAvailable(backend)) return null;
  const length = runLength(k, n);
  const matrixB = { dataId: b.dataId, shape: [k, n], dtype: b.dtype };
  const c = segmentedGemm(
    backend,
    a,
    matrixB,
    { rows: m, rowOffset: (row) => row * k, segments: k / length, segmentStride: length, segmentLength: length },
    1,
    ZERO_STEPS,
  );
  return croppedResult(backend, c, m, n, a.shape.length === 3 ? [1, m, n] : [m, n]);
}
