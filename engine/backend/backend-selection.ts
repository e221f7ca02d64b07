import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { registerWasmKernelPatches } from './wasm-kernels.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendInfo {
  name: BackendName;
  tfjsVersion: string;
  /** Threads the backend computes with. */
  threads: number;
  /** One line naming the backend in use and how to get a faster one. */
  note: string;
}

/** Fastest first: the order automatic selection tries them in. */
export const backendNames: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

/** Native TensorFlow bindings, GPU first. Optional: they download libtensorflow when installed. */
const nativePackages = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

const require = createRequire(import.meta.url);

/** Directory of the wasm backend's binaries, shipped inside the npm package (nothing is downloaded). */
export function wasmBinaryDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

interface Started {
  info: BackendInfo;
  /** e.g. "SIMD binary" or "@tensorflow/tfjs-node"; for describeBackend. */
  detail: string;
}

type Attempt = { ok: true; started: Started } | { ok: false; reason: string };

const started = new Map<BackendName, Started>();
const failed = new Map<BackendName, string>();
let current: BackendName | null = null;

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}

/** tf.setBackend, with a backend missing from the registry (it throws then) counted as a failure. */
async function switchTo(name: BackendName): Promise<boolean> {
  try {
    return await tf.setBackend(name);
  } catch {
    return false;
  }
}

async function startTensorflow(): Promise<Attempt> {
  const reasons: string[] = [];
  for (const pkg of nativePackages) {
    try {
      // A variable specifier: neither package is a dependency, and bundlers must not try to resolve them.
      const specifier: string = pkg;
      await import(specifier);
    } catch (error) {
      const missing = (error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND' && String((error as Error).message).includes(pkg);
      reasons.push(`${pkg}: ${missing ? 'not installed' : reasonOf(error)}`);
      continue;
    }
    if (!(await switchTo('tensorflow'))) {
      reasons.push(`${pkg} is installed but its backend did not initialise`);
      continue;
    }
    const gpu = pkg === '@tensorflow/tfjs-node-gpu';
    const hint = gpu ? '' : '; @tensorflow/tfjs-node-gpu adds CUDA GPUs';
    return {
      ok: true,
      started: {
        // libtensorflow's default intra-op pool has one thread per core.
        info: {
          name: 'tensorflow',
          tfjsVersion: tf.version_core,
          threads: availableParallelism(),
          note: `backend: tensorflow (native libtensorflow via ${pkg}${hint})`,
        },
        detail: pkg,
      },
    };
  }
  return { ok: false, reason: reasons.join('; ') };
}

async function startWasm(): Promise<Attempt> {
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-wasm cannot be loaded: ${reasonOf(error)}` };
  }
  wasm.setWasmPaths(`${wasmBinaryDir()}/`);
  registerWasmKernelPatches();
  if (!(await switchTo('wasm'))) return { ok: false, reason: 'the wasm backend did not initialise (see the warning above)' };
  // The same test tfjs makes when it picks the binary (getPathToWasmBinary in backend_wasm.ts).
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const multithread = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  const binary = simd && multithread ? 'threaded SIMD' : simd ? 'SIMD' : 'plain';
  const threads = wasm.getThreadsCount();
  return {
    ok: true,
    started: {
      info: {
        name: 'wasm',
        tfjsVersion: tf.version_core,
        threads,
        note: `backend: wasm (${binary} binary, ${threads} thread${threads === 1 ? '' : 's'}); install @tensorflow/tfjs-node for the faster native backend (its install script downloads libtensorflow)`,
      },
      detail: `${binary} binary`,
    },
  };
}

async function startCpu(): Promise<Attempt> {
  try {
    await import('@tensorflow/tfjs-backend-cpu');
  } catch (error) {
    return { ok: false, reason: `@tensorflow/tfjs-backend-cpu cannot be loaded: ${reasonOf(error)}` };
  }
  if (!(await switchTo('cpu'))) return { ok: false, reason: 'the cpu backend did not initialise' };
  return {
    ok: true,
    started: {
      info: {
        name: 'cpu',
        tfjsVersion: tf.version_core,
        threads: 1,
        note: 'backend: cpu (plain JavaScript, the slowest); --backend wasm is far faster and ships with PruneBench, @tensorflow/tfjs-node faster still',
      },
      detail: 'plain JavaScript',
    },
  };
}

const starters: Record<BackendName, () => Promise<Attempt>> = { tensorflow: startTensorflow, wasm: startWasm, cpu: startCpu };

/** Starts a backend (or switches back to one started before) and makes it current. */
async function activate(name: BackendName): Promise<Attempt> {
  const known = started.get(name);
  if (known) {
    if (tf.getBackend() !== name && !(await switchTo(name))) return { ok: false, reason: `the ${name} backend no longer initialises` };
    return { ok: true, started: known };
  }
  const previousFailure = failed.get(name);
  if (previousFailure !== undefined) return { ok: false, reason: previousFailure };
  const attempt = await starters[name]();
  if (attempt.ok) started.set(name, attempt.started);
  else failed.set(name, attempt.reason);
  return attempt;
}

function isBackendName(name: string): name is BackendName {
  return (backendNames as readonly string[]).includes(name);
}

/** Which backends can start here, without switching to them (for error messages). */
async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  for (const name of backendNames) {
    if (started.has(name)) out.push(name);
    else if (failed.has(name)) continue;
    else if (name === 'tensorflow') {
      for (const pkg of nativePackages) {
        try {
          require.resolve(pkg);
          out.push(name);
          break;
        } catch {
          // not installed
        }
      }
    } else {
      try {
        require.resolve(name === 'wasm' ? '@tensorflow/tfjs-backend-wasm' : '@tensorflow/tfjs-backend-cpu');
        out.push(name);
      } catch {
        // not installed
      }
    }
  }
  return out;
}

/**
 * Chooses the compute backend and makes it tfjs's current one: the requested backend (argument,
 * else PRUNEBENCH_BACKEND), or without a request the backend an earlier call chose, or else the
 * fastest that starts: tensorflow (tfjs-node-gpu, tfjs-node) → wasm → cpu. A requested backend that
 * is unknown or cannot start is an error naming the ones available, never a silent fallback.
 * Choosing wasm registers PruneBench's wasm kernels (see wasm-kernels.ts). Safe to call repeatedly.
 */
export async function selectBackend(requested?: string): Promise<BackendInfo> {
  const wanted = (requested ?? process.env.PRUNEBENCH_BACKEND ?? '').trim();
  if (wanted) {
    if (!isBackendName(wanted)) {
      throw new Error(
        `unknown backend '${wanted}': choose one of ${backendNames.join(', ')} (available here: ${(await availableBackends()).join(', ')})`,
      );
    }
    const attempt = await activate(wanted);
    if (!attempt.ok) {
      const available = (await availableBackends()).filter((name) => name !== wanted);
      const install =
        wanted === 'tensorflow'
          ? '; install @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu (their install scripts download libtensorflow)'
          : '';
      throw new Error(
        `backend '${wanted}' is not available here (${attempt.reason})${install}; available: ${available.join(', ') || 'none'}`,
      );
    }
    current = wanted;
    return attempt.started.info;
  }
  if (current) {
    const attempt = await activate(current);
    if (attempt.ok) return attempt.started.info;
  }
  const reasons: string[] = [];
  for (const name of backendNames) {
    const attempt = await activate(name);
    if (attempt.ok) {
      current = name;
      return attempt.started.info;
    }
    reasons.push(`${name}: ${attempt.reason}`);
  }
  throw new Error(`no TensorFlow.js backend could start (${reasons.join('; ')})`);
}

/**
 * One line for records and logs naming the current backend, its binary or package, tfjs version
 * and threads, e.g. "wasm (SIMD binary), tfjs 4.22.0, 1 thread".
 */
export function describeBackend(): string {
  if (!current) throw new Error('describeBackend: no backend selected yet; call selectBackend() first');
  const { info, detail } = started.get(current)!;
  return `${info.name} (${detail}), tfjs ${info.tfjsVersion}, ${info.threads} thread${info.threads === 1 ? '' : 's'}`;
}
