import type { TensorInfo } from '@tensorflow/tfjs-core';
import { wasmBase64 } from '../wasm/segmented-gemm.wasm.ts';
import { simdExportsOn } from '../wasm/instantiate.ts';
import { type WasmBackendInternals, disposeIntermediate, runWasmKernel } from './wasm-kernel-calls.ts';
import { type ZeroStepSkipping, sparseSegmentedGemmPass, sparseSteps } from './wasm-sparse-gemm.ts';

type SegmentedGemmExport = (
  a: number,
  b: number,
  c: number,
  tiles: number,
  tileCount: number,
  n: number,
  segmentStride: number,
  segmentLength: number,
  segFrom: number,
  segTo: number,
) => void;

/** How rows of A lie in a convolution's input (see segmented-gemm.wat); offsets in floats. */
export interface SegmentedRows {
  /** Rows of A (and C). */
  rows: number;
  /** Float offset of row m's first run. */
  rowOffset: (m: number) => number;
  segments: number;
  /** Floats between the starts of consecutive runs of a row. */
  segmentStride: number;
  /** Floats per run; B has segments · segmentLength rows. */
  segmentLength: number;
  /**
   * For trimming runs that read only padding zeros: the segments [lo, hi) and run positions
   * [lo, hi) that can reach data for row m. Absent: every segment, the whole run.
   */
  reach?: (m: number) => { segments: [number, number]; positions: [number, number] };
}

export const segmentedGemmAvailable = (backend: unknown): boolean => simdExportsOn(backend, wasmBase64) !== null;

/** Columns padded to the module's multiple of 4. */
export const paddedColumns = (n: number): number => Math.ceil(n / 4) * 4;

/** A 2-D view [rows, columns] of a tensor's data: no copy, not to be freed separately. */
export const matrixView = (t: TensorInfo, rows: number, columns: number): TensorInfo => ({
  dataId: t.dataId,
  shape: [rows, columns],
  dtype: t.dtype,
});

/** b [k, n] with zero columns appended up to a multiple of 4; b itself when it has one already (then not to be freed). */
export function withPaddedColumns(b: TensorInfo, backend: unknown): { matrix: TensorInfo; copied: boolean } {
  const n = b.shape[1];
  const padded = paddedColumns(n);
  if (padded === n) return { matrix: b, copied: false };
  return {
    matrix: runWasmKernel(
      'PadV2',
      { x: b },
      {
        paddings: [
          [0, 0],
          [0, padded - n],
        ],
        constantValue: 0,
      },
      backend,
    ),
    copied: true,
  };
}

/**
 * C = A · B on the SIMD module, with A read in place from `a` as `layout` describes and B
 * [segments·segmentLength, n] (n a multiple of 4). Returns C as [rows, n] when rows is a multiple
 * of 4, else [rows rounded up, n] (the extra rows repeat the last one): the caller slices it.
 * `segmentBlock` splits the segments over several passes so that B's rows in use stay in cache.
 * `skipZeroSteps` (where an operand is a masked weight) skips, per column panel of B or per tile
 * of A, the steps of k whose values there are all zero, when enough are (sparse-gemm.wat): the
 * same bits, less work. Without it every step is taken.
 */
export function segmentedGemm(
  backend: unknown,
  a: TensorInfo,
  b: TensorInfo,
  layout: SegmentedRows,
  segmentBlock = layout.segments,
  skipZeroSteps?: ZeroStepSkipping,
): TensorInfo {
  const gemm = simdExportsOn(backend, wasmBase64)?.segmentedGemm as SegmentedGemmExport | undefined;
  if (!gemm) throw new Error('segmentedGemm: the SIMD module cannot reach the wasm backend memory');
  const wasm = backend as WasmBackendInternals;
  const n = b.shape[1];
  if (n % 4 !== 0) throw new Error(`segmentedGemm: B needs a multiple of 4 columns, got ${n}`);
  const tileCount = Math.ceil(layout.rows / 4);
  const table = wasm.makeOutput([tileCount * 8], 'int32');
  const c = wasm.makeOutput([tileCount * 4, n], 'float32');
  // Views only after the allocations: growing the heap detaches earlier ones.
  const entries = wasm.typedArrayFromHeap(table) as Int32Array;
  for (let tile = 0; tile < tileCount; tile++) {
    let segLo = layout.segments;
    let segHi = 0;
    let tLo = layout.segmentLength;
    let tHi = 0;
    for (let r = 0; r < 4; r++) {
      const m = Math.min(4 * tile + r, layout.rows - 1);
      entries[8 * tile + r] = 4 * layout.rowOffset(m);
      const reach = layout.reach?.(m) ?? { segments: [0, layout.segments], positions: [0, layout.segmentLength] };
      if (reach.segments[0] >= reach.segments[1] || reach.positions[0] >= reach.positions[1]) continue;
      segLo = Math.min(segLo, reach.segments[0]);
      segHi = Math.max(segHi, reach.segments[1]);
      tLo = Math.min(tLo, reach.positions[0]);
      tHi = Math.max(tHi, reach.positions[1]);
    }
    if (segLo >= segHi || tLo >= tHi) segLo = segHi = tLo = tHi = 0;
    entries.set([segLo, segHi, tLo, tHi], 8 * tile + 4);
  }
  const sparse = skipZeroSteps
    ? sparseSteps(
        backend,
        { a, b, tiles: table, tileCount, segmentLength: layout.segmentLength, segmentStride: layout.segmentStride },
        skipZeroSteps,
      )
    : null;
  const cValues = wasm.typedArrayFromHeap(c) as Float32Array;
  cValues.fill(0);
  const [aPointer, bPointer, cPointer, tablePointer] = [a, b, c, table].map((t) => wasm.typedArrayFromHeap(t).byteOffset);
  for (let from = 0; from < layout.segments; from += segmentBlock) {
    const to = Math.min(layout.segments, from + segmentBlock);
    if (sparse) {
      const pointers = { a: aPointer, b: bPointer, c: cPointer, tiles: tablePointer };
      sparseSegmentedGemmPass(backend, pointers, tileCount, b, layout.segmentLength, sparse, from, to);
      continue;
    }
    gemm(aPointer, bPointer, cPointer, tablePointer, tileCount, n, 4 * layout.segmentStride, layout.segmentLength, from, to);
  }
  disposeIntermediate(backend, table);
  if (sparse) disposeIntermediate(backend, sparse.steps, sparse.index);
  return c;
}

/** C [rowsPadded, nPadded] cut to [rows, n] and given `shape`; frees C when it copies. */
export function croppedResult(backend: unknown, c: TensorInfo, rows: number, n: number, shape: number[]): TensorInfo {
  if (c.shape[0] === rows && c.shape[1] === n) return { dataId: c.dataId, shape, dtype: c.dtype };
  const cut = runWasmKernel('Slice', { x: c }, { begin: [0, 0], size: [rows, n] }, backend);
  disposeIntermediate(backend, c);
  return { dataId: cut.dataId, shape, dtype: cut.dtype };
}
