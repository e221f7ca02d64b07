/**
 * A stand-in worker for sandbox tests: runs one sandboxed prune() of the bundle given as argv[2]
 * (scratch directory argv[3]) on the blob task, with an hour's budget, so a test can kill this
 * process mid-prune and check what is left behind.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { sandboxedPruner } from '../sandbox/sandboxed-pruner.ts';
import { blobPruneRequest } from './sandbox-fixtures.ts';

const [bundle, workDir] = process.argv.slice(2);
await tf.setBackend('cpu');
const pruner = sandboxedPruner({ bundle, workDir, backend: 'cpu', wasmDir: null, timeBudgetSeconds: () => 3600, memoryBudgetMb: 1024 });
await pruner(await blobPruneRequest('orphan'));
