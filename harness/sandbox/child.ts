/**
 * Runtime of the sandboxed prune process. It is bundled together with one method (bundle.ts) and
 * started under Node's permission model: file reads limited to the bundle, the wasm binaries and
 * the job's input files; no writes, no child processes, no worker threads.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { readArrayFile, type NamedArrays } from '../engine/array-file.ts';
import { registerWasmKernelPatches } from '../engine/backend/wasm-kernels.ts';
import type { Dataset, WeightMap } from '../engine/types.ts';
import type { PruneFunction } from '../method-api.ts';
import { runPrune } from '../prune/run-prune.ts';
import type { SandboxReply, SandboxRequest } from './protocol.ts';

function datasetFrom(arrays: NamedArrays, prefix: string, meta: { inputShape: number[]; outputSize: number }): Dataset {
  const y = arrays[`${prefix}.y`];
  const labels = y as Int32Array | Float32Array;
  const data: Dataset = { n: labels.length / (labels instanceof Int32Array ? 1 : meta.outputSize), inputShape: meta.inputShape, x: arrays[`${prefix}.x`] as Float32Array, y: labels, outputSize: meta.outputSize };
  const groups = arrays[`${prefix}.groups`];
  if (groups) data.groups = groups as Int32Array;
  return data;
}

/** Names a permission-model refusal, e.g. "FileSystemRead of /data/t10k-images". */
function violationOf(error: unknown): string | null {
  const e = error as { code?: string; permission?: string; resource?: string };
  if (e?.code !== 'ERR_ACCESS_DENIED') return null;
  return `${e.permission ?? 'permission'}${e.resource ? ` of ${e.resource}` : ''}`;
}

function reply(message: SandboxReply): Promise<void> {
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
  const data = readArrayFile(request.dataFile);
  const meta = data.meta as { inputShape: number[]; outputSize: number };
  const weights = readArrayFile(request.weightsFile).arrays as WeightMap;
  const outcome = await runPrune(prune, {
    spec: request.spec,
    manifest: request.manifest,
    architecture: request.architecture,
    recipe: request.recipe,
    taskKind: request.taskKind,
    train: datasetFrom(data.arrays, 'train', meta),
    validation: datasetFrom(data.arrays, 'validation', meta),
    weights,
  });
  return { type: 'ok', result: outcome.result, weights: outcome.weights };
}

export function serve(prune: PruneFunction): void {
  const fail = async (error: unknown) => {
    await reply({ type: 'error', message: (error as Error)?.message ?? String(error), violation: violationOf(error) });
    process.exit(1);
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  process.once('message', (request: SandboxRequest) => {
    handle(prune, request).then(
      async (message) => {
        await reply(message);
        process.exit(0);
      },
      fail,
    );
  });
}
