import type { TensorInfo } from '@tensorflow/tfjs-core';
import { wasmBase64 } from '../wasm/transpose-runs.wasm.ts';
import { simdExportsOn } from '../wasm/instantiate.ts';
import { type WasmBackendInternals, runWasmKernel } from './wasm-kernel-calls.ts';

type TransposeRuns = (src: number, dst: number, rows: number, columns: number, run: number) => void;

/**
 * x of shape [..rows, ..columns, run] (the axes before `split` are the rows, those from `split` to
 * the last the columns) with rows and columns swapped: a copy of whole runs of the last axis on the
 * SIMD module (transpose-runs.wat), which tfjs's generic wasm Transpose did element by element;
 * the wasm Transpose when the module cannot reach the backend's memory. 32-bit types only.
 */
export function transposeRuns(x: TensorInfo, split: number, backend: unknown): TensorInfo {
  const shape = x.shape;
  const last = shape.length - 1;
  const perm = [...shape.keys()].slice(split, last).concat([...shape.keys()].slice(0, split), [last]);
  const module = simdExportsOn(backend, wasmBase64)?.transposeRuns as TransposeRuns | undefined;
  if (!module || x.dtype === 'bool' || x.dtype === 'string' || x.dtype === 'complex64')
    return runWasmKernel('Transpose', { x }, { perm }, backend);
  const wasm = backend as WasmBackendInternals;
  const out = wasm.makeOutput(
    perm.map((axis) => shape[axis]),
    x.dtype,
  );
  const product = (axes: number[]) => axes.reduce((p, axis) => p * shape[axis], 1);
  // Views after the allocation: growing the heap detaches earlier ones.
  module(
    wasm.typedArrayFromHeap(x).byteOffset,
    wasm.typedArrayFromHeap(out).byteOffset,
    product([...shape.keys()].slice(0, split)),
    product([...shape.keys()].slice(split, last)),
    shape[last],
  );
  return out;
}
