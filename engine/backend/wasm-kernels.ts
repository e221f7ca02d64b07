import { registerSegmentedWasmConvolution } from './wasm-conv-forward.ts';
import { registerWasmConv2DBackpropFilter } from './wasm-conv-filter-grad.ts';
import { registerConvolutionalWasmBackpropInput } from './wasm-conv-input-grad.ts';
import { registerLeadingAxesWasmSum } from './wasm-leading-axes-sum.ts';
import { registerUntransposedWasmBatchMatMul } from './wasm-matmul-transpose.ts';
import { registerWasmMaxPoolGrad } from './wasm-max-pool-grad.ts';
import { registerZeroCopyWasmIdentity } from './wasm-zero-copy.ts';

/**
 * Registers the wasm kernels PruneBench adds or replaces: the missing Conv2DBackpropFilter; a
 * MaxPoolGrad with the cpu kernel's semantics (2×2 windows on a SIMD module); stride-1 NHWC
 * convolutions, both their gradients and BatchMatMul on the segmented SIMD product where it
 * applies (with transposes made explicit; a masked weight's zero steps skipped where most are); Identity and same-type Cast without copies; Sum over
 * leading axes (bias gradients) on a SIMD module. Idempotent; works before or after the wasm
 * backend initialises, but needs @tensorflow/tfjs-backend-wasm imported.
 */
export function registerWasmKernelPatches(): void {
  registerWasmConv2DBackpropFilter();
  registerUntransposedWasmBatchMatMul();
  registerConvolutionalWasmBackpropInput();
  registerWasmMaxPoolGrad();
  registerZeroCopyWasmIdentity();
  registerLeadingAxesWasmSum();
  registerSegmentedWasmConvolution();
}
