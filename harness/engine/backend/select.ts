import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { registerWasmKernelPatches } from './wasm-kernels.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  tfjsVersion: string;
  threads: number;
  /** One line naming the backend in use and how to get a faster one. */
  note: string;
}

const require = createRequire(import.meta.url);
const known: BackendName[] = ['tensorflow', 'wasm', 'cpu'];
let selected: BackendInfo | null = null;

/** Directory of the wasm backend's binaries, shipped inside the npm package (nothing is downloaded). */
export function wasmBinaryDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

async function tryTensorflow(): Promise<boolean> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(pkg);
      if (await tf.setBackend('tensorflow')) return true;
    } catch {
      // not installed (it needs libtensorflow, which its install script downloads)
    }
  }
  return false;
}

async function tryWasm(): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${wasmBinaryDir()}/`);
    registerWasmKernelPatches();
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function tryCpu(): Promise<boolean> {
  await import('@tensorflow/tfjs-backend-cpu');
  return tf.setBackend('cpu');
}

function threadsOf(name: BackendName): number {
  if (name !== 'wasm') return 1;
  try {
    return (require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount: () => number }).getThreadsCount();
  } catch {
    return 1;
  }
}

const notes: Record<BackendName, string> = {
  tensorflow: 'backend: tensorflow (native libtensorflow via @tensorflow/tfjs-node)',
  wasm: 'backend: wasm (install @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu where libtensorflow can be downloaded for a faster native backend)',
  cpu: 'backend: cpu (plain JavaScript, slow; the wasm backend ships with PruneBench — check that @tensorflow/tfjs-backend-wasm is installed)',
};

/**
 * Chooses the compute backend: the requested one (argument, else PRUNEBENCH_BACKEND), or the
 * fastest available: tensorflow → wasm → cpu. A requested backend that is unknown or cannot start
 * is an error, never a silent fallback.
 */
export async function selectBackend(requested?: string): Promise<BackendInfo> {
  const wanted = requested ?? process.env.PRUNEBENCH_BACKEND;
  if (selected && (!wanted || wanted === selected.name)) return selected;
  const attempts: Record<BackendName, () => Promise<boolean>> = { tensorflow: tryTensorflow, wasm: tryWasm, cpu: tryCpu };
  let name: BackendName | null = null;
  if (wanted) {
    if (!known.includes(wanted as BackendName)) throw new Error(`unknown backend '${wanted}' (choose one of: ${known.join(', ')})`);
    if (!(await attempts[wanted as BackendName]())) {
      const hint = wanted === 'tensorflow' ? ': install @tensorflow/tfjs-node (or -node-gpu); its install script downloads libtensorflow' : '';
      throw new Error(`backend '${wanted}' is not available here${hint}`);
    }
    name = wanted as BackendName;
  } else {
    for (const candidate of known) {
      if (await attempts[candidate]()) {
        name = candidate;
        break;
      }
    }
  }
  if (!name) throw new Error('no TensorFlow.js backend could start');
  await tf.ready();
  selected = { name, tfjsVersion: tf.version_core, threads: threadsOf(name), note: notes[name] };
  return selected;
}
