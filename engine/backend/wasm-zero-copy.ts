import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { type WasmBackendInternals, replaceWasmKernel } from './wasm-kernel-calls.ts';

/**
 * Identity and same-type Cast sharing the input's data (reference counted), as the cpu backend
 * does, instead of copying it as tfjs 4.22's wasm kernels do. Tensors are immutable (a variable's
 * assign swaps its data, never writes into it), so sharing is safe. The engine clones every input
 * it saves for backpropagation through Identity, and gradients cast masks and ReLU steps to the
 * type they already have: about 55 full copies per LeNet-5 training step.
 */
function sharingIdentity(original: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return original(args);
    (args.backend as WasmBackendInternals).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

function sharingCast(original: KernelFunc): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { dtype } = args.attrs as { dtype: string };
    if (x.dtype !== dtype || x.dtype === 'string') return original(args);
    (args.backend as WasmBackendInternals).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/** Replaces the wasm Identity and Cast kernels (idempotent). */
export function registerZeroCopyWasmIdentity(): void {
  replaceWasmKernel('Identity', sharingIdentity);
  replaceWasmKernel('Cast', sharingCast);
}
