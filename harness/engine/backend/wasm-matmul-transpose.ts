import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { disposeIntermediate, replaceWasmKernel, runWasmKernel } from './wasm-kernel-calls.ts';

function swapLastTwoAxes(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
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
    if (!transposeA && !transposeB) return original({ inputs, backend, attrs });
    const aT = transposeA ? runWasmKernel('Transpose', { x: a }, { perm: swapLastTwoAxes(a.shape.length) }, backend) : a;
    const bT = transposeB ? runWasmKernel('Transpose', { x: b }, { perm: swapLastTwoAxes(b.shape.length) }, backend) : b;
    try {
      return original({ inputs: { a: aT, b: bT }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
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
