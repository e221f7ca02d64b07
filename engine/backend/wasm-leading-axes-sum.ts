import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmBase64 } from '../wasm/column-sums.wasm.ts';
import { simdExportsOn } from '../wasm/instantiate.ts';
import { type WasmBackendInternals, replaceWasmKernel } from './wasm-kernel-calls.ts';

type ColumnSums = (x: number, out: number, rows: number, columns: number) => void;

/**
 * Sum over leading axes (the bias gradients of every dense and convolution layer: a [batch, …,
 * channels] gradient summed to [channels]) as column sums on a SIMD module. tfjs 4.22's wasm Sum
 * first transposes the summed axes innermost — a copy of the whole gradient, most of the kernel's
 * time — then adds each output's values one by one from 0; the module adds them in the same
 * order, four outputs at a time, so results are bit-identical. Other reductions keep the original.
 */
export function leadingAxesSum(original: KernelFunc): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const { axis, keepDims } = attrs as { axis: number | number[]; keepDims: boolean };
    const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.every((a, i) => a === i) && new Set(axes).size === axes.length;
    const size = tf.util.sizeFromShape(x.shape);
    const simd = simdExportsOn(backend, wasmBase64)?.columnSums as ColumnSums | undefined;
    if (x.dtype !== 'float32' || !leading || size === 0 || !simd) return original(args);
    const wasm = backend as WasmBackendInternals;
    const outShape = x.shape.slice(axes.length);
    const out = wasm.makeOutput(outShape, 'float32');
    const columns = tf.util.sizeFromShape(outShape);
    // Views after the allocation: growing the heap detaches earlier ones.
    simd(wasm.typedArrayFromHeap(x).byteOffset, wasm.typedArrayFromHeap(out).byteOffset, size / columns, columns);
    if (keepDims) out.shape = tf.backend_util.expandShapeToKeepDim(outShape, axes);
    return out;
  };
}

/** Wraps the registered wasm Sum (idempotent). */
export function registerLeadingAxesWasmSum(): void {
  replaceWasmKernel('Sum', leadingAxesSum);
}
