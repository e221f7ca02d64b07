import * as tf from '@tensorflow/tfjs-core';
import type { DataType, KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The part of the wasm backend (BackendWasm) the replacement kernels use. */
export interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: DataType): TensorInfo;
  /** A view of a tensor's data on the wasm heap; valid until the heap grows (the next allocation). */
  typedArrayFromHeap(tensor: TensorInfo): Float32Array | Int32Array | Uint8Array;
  incRef(dataId: object): void;
  disposeData(dataId: object): boolean;
}

/**
 * Runs a kernel registered for the wasm backend directly, outside the engine: the result is not
 * tracked by tidy, so the caller disposes it with `disposeIntermediate` unless it returns it.
 */
export function runWasmKernel(kernelName: string, inputs: Record<string, TensorInfo>, attrs: object, backend: unknown): TensorInfo {
  const config = tf.getKernel(kernelName, 'wasm');
  if (!config) throw new Error(`the wasm backend has no '${kernelName}' kernel`);
  return config.kernelFunc({ inputs, attrs: attrs as NamedAttrMap, backend: backend as object }) as TensorInfo;
}

export function disposeIntermediate(backend: unknown, ...tensors: TensorInfo[]): void {
  for (const t of tensors) (backend as WasmBackendInternals).disposeData(t.dataId);
}

// A global symbol, so two copies of this module (bundles, test workers) still see each other's marks.
const replacedKernel = Symbol.for('prunebench.replacedWasmKernel');

type Replacement = KernelFunc & { [replacedKernel]?: KernelFunc };

const replacedNames = new Set<string>();

/**
 * Replaces the wasm kernel `kernelName` by `wrap(original)`, keeping the original's setup and
 * dispose hooks (the original kernelFunc needs them). Does nothing when the kernel was replaced
 * already (also when a profiler has wrapped the replacement since), so it never wraps twice.
 */
export function replaceWasmKernel(kernelName: string, wrap: (original: KernelFunc) => KernelFunc): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) throw new Error(`cannot replace the wasm '${kernelName}' kernel: import @tensorflow/tfjs-backend-wasm first`);
  if (replacedNames.has(kernelName) || (original.kernelFunc as Replacement)[replacedKernel]) return;
  replacedNames.add(kernelName);
  const kernelFunc: Replacement = wrap(original.kernelFunc);
  Object.defineProperty(kernelFunc, replacedKernel, { value: original.kernelFunc });
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ ...original, kernelFunc } as KernelConfig);
}

/** The kernel function tfjs registered for wasm before replaceWasmKernel replaced it (the current one if never replaced). */
export function originalWasmKernelFunc(kernelName: string): KernelFunc {
  const config = tf.getKernel(kernelName, 'wasm');
  if (!config) throw new Error(`the wasm backend has no '${kernelName}' kernel`);
  return (config.kernelFunc as Replacement)[replacedKernel] ?? config.kernelFunc;
}

export type Conv2DPad = 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
export type DimRoundingMode = 'floor' | 'round' | 'ceil';
