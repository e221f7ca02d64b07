import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The part of a wasm or cpu backend that kernels composed of other kernels use. */
interface Backend {
  disposeData(dataId: object): boolean;
  makeOutput?(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap?(tensor: TensorInfo): Float32Array;
  makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/** The backends PruneBench's own kernels (fused Adam, the composed training operations) are registered for. */
export const OWN_KERNEL_BACKENDS = ['wasm', 'cpu'] as const;

/**
 * Calls a backend's registered kernels directly, outside tfjs's engine (no tape, no tracking), for
 * kernels composed of other kernels. Every result is the caller's to free or return.
 */
export function kernelCaller(backendName: string, backend: unknown, owner: string) {
  const b = backend as Backend;
  const run = (kernelName: string, inputs: Record<string, TensorInfo>, attrs: object = {}): TensorInfo => {
    const config = tf.getKernel(kernelName, backendName);
    if (!config) throw new Error(`${owner}: the ${backendName} backend has no '${kernelName}' kernel`);
    return config.kernelFunc({ inputs, attrs: attrs as NamedAttrMap, backend: b as unknown as object }) as TensorInfo;
  };
  const free = (...infos: TensorInfo[]) => {
    for (const info of infos) b.disposeData(info.dataId);
  };
  /** A float32 scalar on the backend. */
  const scalar = (value: number): TensorInfo => {
    if (b.makeOutput && b.typedArrayFromHeap) {
      const out = b.makeOutput([], 'float32');
      b.typedArrayFromHeap(out)[0] = value;
      return out;
    }
    return b.makeTensorInfo!([], 'float32', Float32Array.of(value));
  };
  return { run, free, scalar };
}

/** Registers one of PruneBench's own kernels for every backend in OWN_KERNEL_BACKENDS (idempotent). */
export function registerOwnKernel(kernelName: string, make: (backendName: string) => KernelFunc): void {
  for (const backendName of OWN_KERNEL_BACKENDS) {
    if (!tf.getKernel(kernelName, backendName)) tf.registerKernel({ kernelName, backendName, kernelFunc: make(backendName) } as KernelConfig);
  }
}

/** Whether the active backend has the kernel (else callers use the plain tfjs ops). */
export function ownKernelAvailable(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}
