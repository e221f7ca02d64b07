/**
 * A stand-in worker for sandbox tests: runs one sandboxed prune() of the bundle given as argv[2]
 * (scratch directory argv[3]) on the blob task, with an hour's budget, so a test can kill this
 * process mid-prune and check what is left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { sandboxedPruner } from '../sandbox/sandboxed-pruner.ts';
import { initialWeightsFor } from '../run/execute.ts';
import { blobTask, testManifest } from './fixtures.ts';
import { currentVersions } from '../jobs/spec.ts';

const [bundle, workDir] = process.argv.slice(2);
await tf.setBackend('cpu');
const task = blobTask();
const data = await task.load(0);
const pruner = sandboxedPruner({ bundle, workDir, backend: 'cpu', wasmDir: null, timeBudgetSeconds: () => 3600, memoryBudgetMb: 1024 });
await pruner({
  spec: { ...currentVersions(), task: { id: task.id, version: task.version }, method: { id: 'orphan', version: '1.0.0', hyperparameters: {} }, control: null, sparsity: 0.5, seed: 0 },
  manifest: testManifest(),
  architecture: task.architecture,
  recipe: task.recipe,
  taskKind: task.kind,
  train: data.splits.train,
  validation: data.splits.validation,
  weights: initialWeightsFor(task, data, 0),
});
