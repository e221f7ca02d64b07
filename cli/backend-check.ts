/**
 * The check `run`, `reproduce` and `verify` make once, before planning: is the requested backend a
 * known name, and is its package installed? Without it a missing backend surfaced only inside every
 * worker, as one failed job each. Starting the backend is left to the workers; this only resolves
 * the packages, so it costs no TensorFlow.js start-up in the CLI process.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const packagesOf: Record<string, readonly string[]> = {
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  wasm: ['@tensorflow/tfjs-backend-wasm'],
  cpu: ['@tensorflow/tfjs-backend-cpu'],
};

const installHint: Record<string, string> = {
  tensorflow:
    'install it with `npm install @tensorflow/tfjs-node` (or @tensorflow/tfjs-node-gpu for CUDA; the install script downloads libtensorflow)',
  wasm: 'run `npm ci` to restore the dependencies',
  cpu: 'run `npm ci` to restore the dependencies',
};

export type PackageResolver = (name: string) => boolean;

const resolvable: PackageResolver = (name) => {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
};

/**
 * One line saying what is wrong with the requested backend (the flag, else PRUNEBENCH_BACKEND), or
 * null when none is requested or its package is installed.
 */
export function backendProblem(
  requested: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
  isInstalled: PackageResolver = resolvable,
): string | null {
  const fromFlag = requested !== undefined && requested.trim() !== '';
  const wanted = (fromFlag ? requested : (env.PRUNEBENCH_BACKEND ?? '')).trim();
  if (wanted === '') return null;
  const source = fromFlag ? '--backend' : 'PRUNEBENCH_BACKEND';
  const packages = packagesOf[wanted];
  if (!packages) return `${source}: unknown backend '${wanted}'; choose one of ${Object.keys(packagesOf).join(', ')}`;
  if (packages.some(isInstalled)) return null;
  return `${source} ${wanted}: ${packages.join(' or ')} is not installed; ${installHint[wanted]}, or leave out ${source} to use the fastest backend installed`;
}
