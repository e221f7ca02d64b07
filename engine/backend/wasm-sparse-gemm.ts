import type { TensorInfo } from '@tensorflow/tfjs-core';
import { wasmBase64 } from '../wasm/sparse-gemm.wasm.ts';
import { simdExportsOn } from '../wasm/instantiate.ts';
import { type WasmBackendInternals, disposeIntermediate } from './wasm-kernel-calls.ts';

interface SparseGemmExports {
  allFinite(x: number, count: number): number;
  panelSteps(b: number, n: number, k: number, segmentLength: number, segmentStride: number, steps: number, index: number): number;
  tileSteps(
    a: number,
    tiles: number,
    tileCount: number,
    n: number,
    k: number,
    segmentLength: number,
    segmentStride: number,
    steps: number,
    index: number,
  ): number;
  sparseSegmentedGemm(
    a: number,
    b: number,
    c: number,
    tiles: number,
    tileCount: number,
    n: number,
    k: number,
    segmentLength: number,
    steps: number,
    index: number,
    byTile: number,
    segFrom: number,
    segTo: number,
  ): void;
}

const exportsOn = (backend: unknown) => simdExportsOn(backend, wasmBase64) as unknown as SparseGemmExports | null;

/** Column panels of B as sparse-gemm.wat cuts them: 8 wide, the last 4 wide when n is not a multiple of 8. */
const panelCount = (n: number): number => Math.floor(n / 8) + (n % 8 === 0 ? 0 : 1);

/**
 * When to skip zero steps (segmentedGemm): per column panel of B, and also per tile of A's rows
 * when `byTile`, but only where at most `densestShare` of the steps would be kept. A listed step
 * costs the load of its two offsets, and short lists the loads and stores of a tile's sums, so a
 * list must skip enough steps to pay (measured break-even: about 0.95 of the steps kept for the
 * suites' convolutions, 0.7–0.75 for dense layers' products, whose dense product is faster).
 */
export interface ZeroStepSkipping {
  byTile: boolean;
  densestShare: number;
}

let shareOverride: number | null = null;

/**
 * For tests and benches: a share ≥ 1 makes every product with skipping enabled take the sparse
 * path (where exact), a negative one none; null restores each caller's own threshold.
 */
export function overrideDensestSparseShare(share: number | null): void {
  shareOverride = share;
}

const densest = (skipping: ZeroStepSkipping) => shareOverride ?? skipping.densestShare;

/** Floats sampled to predict how many steps a list would keep. */
const SAMPLE = 1024;

/** The share of nonzero floats in an evenly spaced sample of t. */
function sampledDensity(t: TensorInfo, wasm: WasmBackendInternals): number {
  const values = wasm.typedArrayFromHeap(t) as Float32Array;
  const stride = Math.max(1, Math.floor(values.length / SAMPLE));
  let nonzero = 0;
  let sampled = 0;
  for (let i = 0; i < values.length; i += stride, sampled++) if (values[i] !== 0) nonzero++;
  return sampled === 0 ? 1 : nonzero / sampled;
}

/** The predicted share of kept steps in lists over `width` values of density d: a step is all zero with probability (1 − d)^width. */
const predictedShare = (density: number, width: number) => 1 - (1 - density) ** width;

/** The steps a sparse product takes (sparse-gemm.wat); the caller frees `steps` and `index`. */
export interface SparseSteps {
  steps: TensorInfo;
  index: TensorInfo;
  /** Listed per tile of A's rows (else per column panel of B). */
  byTile: boolean;
}

export interface SparseOperands {
  a: TensorInfo;
  b: TensorInfo;
  /** The tiles table of segmentedGemm and its number of tiles. */
  tiles: TensorInfo;
  tileCount: number;
  segmentLength: number;
  segmentStride: number;
}

/**
 * The steps of the sparse product, listed per column panel of B or per tile of A, whichever
 * operand is sparser (predicted from a sample: a step of a panel of 8 columns of density d is all
 * zero with probability (1 − d)⁸, of a tile of four rows (1 − d)⁴), or null where it would not pay
 * (neither sparse enough) or not be exact (the other operand holds a NaN or ±Inf, whose product
 * with a skipped 0 is NaN): then the dense product is the one to use.
 */
export function sparseSteps(backend: unknown, operands: SparseOperands, skipping: ZeroStepSkipping): SparseSteps | null {
  const module = exportsOn(backend);
  if (!module) return null;
  const wasm = backend as WasmBackendInternals;
  const { a, b, tiles, tileCount, segmentLength, segmentStride } = operands;
  const [k, n] = b.shape;
  const share = densest(skipping);
  const keptByPanel = predictedShare(sampledDensity(b, wasm), 8);
  const keptByTile = skipping.byTile ? predictedShare(sampledDensity(a, wasm), 4) : 1;
  if (Math.min(keptByPanel, keptByTile) > share) return null;
  const byTile = keptByTile < keptByPanel;
  const lists = byTile ? tileCount : panelCount(n);
  const steps = wasm.makeOutput([lists * k * 2], 'int32');
  const index = wasm.makeOutput([lists * (k + 1)], 'int32');
  const pointer = (t: TensorInfo) => wasm.typedArrayFromHeap(t).byteOffset;
  const kept = byTile
    ? module.tileSteps(pointer(a), pointer(tiles), tileCount, n, k, segmentLength, 4 * segmentStride, pointer(steps), pointer(index))
    : module.panelSteps(pointer(b), n, k, segmentLength, 4 * segmentStride, pointer(steps), pointer(index));
  const other = wasm.typedArrayFromHeap(byTile ? b : a);
  if (kept > share * lists * k || !module.allFinite(other.byteOffset, other.length)) {
    disposeIntermediate(backend, steps, index);
    return null;
  }
  return { steps, index, byTile };
}

let passes = 0;

/** How many passes of the sparse product have run in this process (tests check the path is taken). */
export const sparsePasses = (): number => passes;

/** One pass of the sparse product over segments [segFrom, segTo); pointers are heap byte offsets. */
export function sparseSegmentedGemmPass(
  backend: unknown,
  pointers: { a: number; b: number; c: number; tiles: number },
  tileCount: number,
  b: TensorInfo,
  segmentLength: number,
  sparse: SparseSteps,
  segFrom: number,
  segTo: number,
): void {
  const module = exportsOn(backend);
  if (!module) throw new Error('sparseSegmentedGemm: the SIMD module cannot reach the wasm backend memory');
  const wasm = backend as WasmBackendInternals;
  const [k, n] = b.shape;
  passes++;
  module.sparseSegmentedGemm(
    pointers.a,
    pointers.b,
    pointers.c,
    pointers.tiles,
    tileCount,
    n,
    k,
    segmentLength,
    wasm.typedArrayFromHeap(sparse.steps).byteOffset,
    wasm.typedArrayFromHeap(sparse.index).byteOffset,
    sparse.byTile ? 1 : 0,
    segFrom,
    segTo,
  );
}
