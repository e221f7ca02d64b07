import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';

/** The part of a wasm or cpu backend that kernels composed of other kernels use. */
interface Backend {
  disposeData(dataId: object): boolean;
  readSync(dataId: object): ArrayLike<number>;
  makeOutput?(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap?(tensor: TensorInfo): Float32Array;
  makeTensorInfo?(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/** The backends PruneBench's own kernels (fused Adam, the composed training operations) are registered for. */
export const OWN_KERNEL_BACKENDS = ['wasm', 'cpu'] as const;

/**
 * Calls a backend's registered kernels directly, outside tfjs's engine (no tape, no tracking), for
 * kernels composed of other kernels. Every result is the caller's to free or return. Kernel
 * lookups are remembered for the object's lifetime, so make one per operation or step.
 */
export class DirectKernels {
  private readonly found = new Map<string, KernelFunc>();
  private readonly b: Backend;

  constructor(
    private readonly backendName: string,
    backend: unknown,
    private readonly owner: string,
  ) {
    this.b = backend as Backend;
  }

  /** A kernel with one output. */
  run(kernelName: string, inputs: Record<string, TensorInfo>, attrs: object = {}): TensorInfo {
    return this.call(kernelName, inputs, attrs) as TensorInfo;
  }

  /** A kernel with several outputs. */
  runMany(kernelName: string, inputs: Record<string, TensorInfo>, attrs: object = {}): TensorInfo[] {
    return this.call(kernelName, inputs, attrs) as TensorInfo[];
  }

  free(...infos: TensorInfo[]): void {
    for (const info of infos) this.b.disposeData(info.dataId);
  }

  /** A new float32 tensor on the backend, filled by `fill` (given a view of its storage). */
  make(shape: number[], fill: (values: Float32Array) => void): TensorInfo {
    const b = this.b;
    if (b.makeOutput && b.typedArrayFromHeap) {
      const out = b.makeOutput(shape, 'float32');
      fill(b.typedArrayFromHeap(out));
      return out;
    }
    const values = new Float32Array(shape.reduce((x, y) => x * y, 1));
    fill(values);
    return b.makeTensorInfo!(shape, 'float32', values);
  }

  /** A float32 scalar on the backend. */
  scalar(value: number): TensorInfo {
    return this.make([], (values) => (values[0] = value));
  }

  /** A copy of a tensor's values. */
  read(info: TensorInfo): Float32Array {
    return Float32Array.from(this.b.readSync(info.dataId));
  }

  private call(kernelName: string, inputs: Record<string, TensorInfo>, attrs: object): TensorInfo | TensorInfo[] {
    let kernel = this.found.get(kernelName);
    if (!kernel) {
      const config = tf.getKernel(kernelName, this.backendName);
      if (!config) throw new Error(`${this.owner}: the ${this.backendName} backend has no '${kernelName}' kernel`);
      kernel = config.kernelFunc;
      this.found.set(kernelName, kernel);
    }
    return kernel({ inputs, attrs: attrs as NamedAttrMap, backend: this.b as unknown as object });
  }
}

/** Registers one of PruneBench's own kernels for every backend in OWN_KERNEL_BACKENDS (idempotent). */
export function registerOwnKernel(kernelName: string, make: (backendName: string) => KernelFunc): void {
  for (const backendName of OWN_KERNEL_BACKENDS) {
    if (!tf.getKernel(kernelName, backendName))
      tf.registerKernel({ kernelName, backendName, kernelFunc: make(backendName) } as KernelConfig);
  }
}

/** Whether the active backend has the kernel (else callers use the plain tfjs ops). */
export function ownKernelAvailable(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}
