/**
 * Runtime of the sandboxed prune process. It is bundled together with one method (bundle.ts) and
 * started under Node's permission model: file reads limited to the bundle, the wasm binaries and
 * the job's input files; no writes, no child processes, no worker threads.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernelPatches } from '../../engine/backend/wasm-kernels.ts';
import type { Dataset, WeightMap } from '../../engine/types.ts';
import type { PruneFunction } from '../../api/method-api.ts';
import { runPrune } from '../prune/run-prune.ts';
import { ArrayFileReader, readArrayFile } from '../../engine/array-file.ts';
import type { SandboxLevelMessage, SandboxReply, SandboxRequest } from './protocol.ts';
import { trunkLevelFromFile, type TrunkHost } from '../prune/trunk-level.ts';

/**
 * A split whose arrays are read from the data file when first touched: many methods (random,
 * magnitude) never look at the data, and reading all of it was a quarter of a short job's
 * sandboxed prune.
 */
function lazyDataset(file: ArrayFileReader, prefix: string, meta: { inputShape: number[]; outputSize: number }): Dataset {
  const y = file.entry(`${prefix}.y`);
  const fields: Record<string, unknown> = {
    n: y.length / (y.type === 'int32' ? 1 : meta.outputSize),
    inputShape: meta.inputShape,
    x: null,
    y: null,
    outputSize: meta.outputSize,
  };
  if (file.has(`${prefix}.groups`)) fields.groups = null;
  for (const field of ['x', 'y', 'groups'].filter((f) => f in fields)) {
    Object.defineProperty(fields, field, {
      enumerable: true,
      configurable: true,
      // The first read replaces the getter with the array itself.
      get: () =>
        Object.defineProperty(fields, field, {
          value: file.read(`${prefix}.${field}`),
          enumerable: true,
          configurable: true,
          writable: true,
        })[field],
    });
  }
  return fields as unknown as Dataset;
}

/** Names a permission-model refusal, e.g. "FileSystemRead of /data/t10k-images". */
function violationOf(error: unknown): string | null {
  const e = error as { code?: string; permission?: string; resource?: string };
  if (e?.code !== 'ERR_ACCESS_DENIED') return null;
  return `${e.permission ?? 'permission'}${e.resource ? ` of ${e.resource}` : ''}`;
}

function reply(message: SandboxReply | SandboxLevelMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

async function handle(prune: PruneFunction, request: SandboxRequest): Promise<SandboxReply> {
  if (request.backend === 'wasm') {
    if (!request.wasmDir) throw new Error('sandbox: the wasm backend needs wasmDir');
    setWasmPaths(request.wasmDir.endsWith('/') ? request.wasmDir : `${request.wasmDir}/`);
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmKernelPatches();
  }
  if (!(await tf.setBackend(request.backend))) throw new Error(`sandbox: backend '${request.backend}' failed to initialise`);
  const data = new ArrayFileReader(request.dataFile);
  const meta = data.meta as { inputShape: number[]; outputSize: number };
  const weights = readArrayFile(request.weightsFile).arrays as WeightMap;
  let trunk: TrunkHost | undefined;
  if (request.manifest.trunk && request.trunk) {
    const stored = request.trunk.startFile ? readArrayFile(request.trunk.startFile) : null;
    // Each level goes to the harness as it is reached, so a job stopped later keeps its levels.
    trunk = { start: stored && trunkLevelFromFile(stored.arrays, stored.meta), onLevel: (level) => reply({ type: 'level', level }) };
  }
  const outcome = await runPrune(prune, {
    spec: request.spec,
    manifest: request.manifest,
    architecture: request.architecture,
    recipe: request.recipe,
    taskKind: request.taskKind,
    train: lazyDataset(data, 'train', meta),
    validation: lazyDataset(data, 'validation', meta),
    weights,
    trunk,
  });
  return { type: 'ok', result: outcome.result, weights: outcome.weights, trainings: outcome.trainings };
}

export function serve(prune: PruneFunction): void {
  const fail = async (error: unknown) => {
    await reply({ type: 'error', message: (error as Error)?.message ?? String(error), violation: violationOf(error) });
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  process.once('message', (request: SandboxRequest) => {
    handle(prune, request).then(async (message) => {
      await reply(message);
      process.exit(0);
    }, fail);
  });
}
