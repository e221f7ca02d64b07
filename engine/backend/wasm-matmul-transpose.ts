import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { disposeIntermediate, replaceWasmKernel, runWasmKernel } from './wasm-kernel-calls.ts';
import { segmentedMatMul } from './wasm-segmented-matmul.ts';

function swapLastTwoAxes(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

/** Whether a·bᵀ is cheaper as (b·aᵀ)ᵀ: one matrix each (no batch), b the larger. */
function productByTransposedOperands(a: TensorInfo, b: TensorInfo): boolean {
  const single = (t: TensorInfo) => t.shape.length === 2 || (t.shape.length === 3 && t.shape[0] === 1);
  return single(a) && single(b) && tf.util.sizeFromShape(b.shape) > 2 * tf.util.sizeFromShape(a.shape);
}

/**
 * tfjs 4.22's wasm BatchMatMul hands only untransposed products (batch 1) to XNNPACK's GEMM; with
 * transposeA or transposeB set it runs a plain blocked loop (measured: 0.4–1.3 against 6 GFLOP/s),
 * and every matmul gradient sets one of them. Transposing explicitly with the wasm Transpose kernel
 * and multiplying untransposed is several times faster.
 */
export function untransposedBatchMatMul(original: KernelFunc): KernelFunc {
  return ({ inputs, backend, attrs }) => {
    const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    // Untransposed products: the segmented SIMD product where it applies (the same bits), else XNNPACK's.
    const multiply = (x: TensorInfo, y: TensorInfo): TensorInfo =>
      segmentedMatMul(x, y, backend) ??
      (original({ inputs: { a: x, b: y }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as TensorInfo);
    if (!transposeA && !transposeB) return multiply(a, b);
    if (transposeB && !transposeA && productByTransposedOperands(a, b)) {
      // a·bᵀ = (b·aᵀ)ᵀ: the same products summed in the same order, with the small operand transposed
      // (and packed by XNNPACK) instead of the large one: a layer's input gradient dz·Wᵀ.
      const aT = runWasmKernel('Transpose', { x: a }, { perm: swapLastTwoAxes(a.shape.length) }, backend);
      const cT = multiply(b, aT);
      disposeIntermediate(backend, aT);
      const c = runWasmKernel('Transpose', { x: cT }, { perm: swapLastTwoAxes(cT.shape.length) }, backend);
      disposeIntermediate(backend, cT);
      return c;
    }
    const aT = transposeA ? runWasmKernel('Transpose', { x: a }, { perm: swapLastTwoAxes(a.shape.length) }, backend) : a;
    const bT = transposeB ? runWasmKernel('Transpose', { x: b }, { perm: swapLastTwoAxes(b.shape.length) }, backend) : b;
    try {
      return multiply(aT, bT);
    } finally {
      if (transposeA) disposeIntermediate(backend, aT);
      if (transposeB) disposeIntermediate(backend, bT);
    }
  };
}

/** Wraps the registered wasm BatchMatMul (idempotent). */
export function registerUntransposedWasmBatchMatMul(): void {
  replaceWasmKernel('BatchMatMul', untransposedBatchMatMul);
}
