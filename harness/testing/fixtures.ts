/** Small in-memory tasks and record contexts for harness tests. */
import { Rng } from '../../engine/rng.ts';
import type { Dataset } from '../../engine/types.ts';
import type { TaskDefinition } from '../../api/task-api.ts';
import type { RecordContext } from '../run/execute.ts';
import type { MethodManifest } from '../../api/method-api.ts';
import type { ArchitectureSpec } from '../../engine/architecture.ts';

/** Three Gaussian blobs in 6 dimensions: learnable in a few epochs by a small MLP. */
export function blobData(n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(n * 6);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let j = 0; j < 6; j++) x[i * 6 + j] = (j % 3 === y[i] ? 1.5 : 0) + 0.6 * rng.normal();
  }
  return { n, inputShape: [6], x, y, outputSize: 3 };
}

/** 720 prunable weights: enough that every default sparsity is met within the 0.1 pp tolerance. */
export function blobTask(overrides: Partial<TaskDefinition> = {}): TaskDefinition {
  return {
    id: 'blobs',
    version: '1',
    family: 'mnist',
    description: 'test blobs',
    kind: 'classification',
    architecture: {
      id: 'blob-mlp',
      inputShape: [6],
      layers: [
        { kind: 'dense', name: 'fc1', units: 80, activation: 'relu' },
        { kind: 'dense', name: 'fc2', units: 3, activation: 'linear' },
      ],
    },
    recipe: {
      optimizer: 'adam',
      learningRate: 0.01,
      batchSize: 20,
      epochs: 8,
      fineTuneEpochs: 3,
      schedule: { kind: 'constant' },
      selectBestEpoch: true,
    },
    prunableStatement: 'kernels',
    groupBy: 'class',
    jobBudgetSeconds: 60,
    unavailableReason: () => null,
    load: async () => ({ splits: { train: blobData(120, 1), validation: blobData(60, 2), test: blobData(90, 3) } }),
    ...overrides,
  };
}

export const testRecordContext: RecordContext = {
  environment: {
    node: process.version,
    tfjs: '4.22.0',
    backend: 'cpu',
    threads: 1,
    platform: 'linux',
    arch: 'x64',
    cpu: 'test',
    gpu: null,
  },
  provenance: { prunebenchVersion: '0.0.0-test', gitCommit: null, gitDirty: null },
};

export function testManifest(overrides: Partial<MethodManifest> = {}): MethodManifest {
  return {
    id: 'fake',
    name: 'Fake',
    version: '1.0.0',
    description: 'test method',
    when: 'after-training',
    scope: 'global',
    needs: [],
    output: 'scores',
    hyperparameters: {},
    ...overrides,
  };
}

/** A 7 → 9 → 5 → 3 ReLU MLP for engine tests. */
export const tinyMlp: ArchitectureSpec = {
  id: 'tiny-mlp',
  inputShape: [7],
  layers: [
    { kind: 'dense', name: 'fc1', units: 9, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 5, activation: 'relu' },
    { kind: 'dense', name: 'fc3', units: 3, activation: 'linear' },
  ],
};

/** Whether two float arrays hold the same bits (so +0 and −0 differ, and NaN payloads count). */
export function sameBits(a: Float32Array, b: Float32Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
