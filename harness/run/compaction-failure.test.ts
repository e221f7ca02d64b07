import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denseSummaryOf, runDenseJob, runSparseJob, type DenseReference, type LoadedMethod } from './execute.ts';
import { blobTask, testManifest, testRecordContext } from '../testing/fixtures.ts';
import { denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { ResultStore } from '../store/store.ts';
import { inProcessPruner } from '../prune/run-prune.ts';
import { unitL1 } from '../testing/unit-scores.ts';
import type { TaskData } from '../../api/task-api.ts';

// A compactor that drops units correctly but then corrupts one kept weight: the harness must notice
// that the compacted network no longer computes what the masked one does, and fail the record.
const corruption = vi.hoisted(() => ({ on: false }));
vi.mock('../../engine/compact.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../engine/compact.ts')>();
  return {
    ...real,
    compactNetwork: (...args: Parameters<typeof real.compactNetwork>) => {
      const compact = real.compactNetwork(...args);
      if (!corruption.on) return compact;
      const kernel = compact.weights['fc2/kernel'];
      const corrupted = Float32Array.from(kernel);
      corrupted[0] += 1;
      return { ...compact, weights: { ...compact.weights, 'fc2/kernel': corrupted } };
    },
  };
});

const task = blobTask();
const manifest = testManifest({ structures: ['neuron'] });
let data: TaskData;
let dense: DenseReference;

const spec = (sparsity: number): JobSpec => ({
  ...currentVersions(),
  task: { id: task.id, version: task.version },
  method: { id: manifest.id, version: manifest.version, hyperparameters: {} },
  control: null,
  sparsity,
  seed: 0,
  structure: { kind: 'neuron' },
});

const method: LoadedMethod = { manifest, sourceHash: 'a'.repeat(64), pruner: inProcessPruner(unitL1) };

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await task.load(0);
  const denseSpec = denseSpecFor(spec(0.5));
  const { record, weights } = runDenseJob(denseSpec, task, data, testRecordContext);
  dense = { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) };
});

describe('a compacted network that computes something else', () => {
  it('fails the record at stage evaluate with the measured difference, and the stored records survive', async () => {
    const store = new ResultStore(mkdtempSync(join(tmpdir(), 'pb-compaction-')));
    corruption.on = false;
    const good = await runSparseJob(spec(0.5), task, data, dense, method, testRecordContext);
    expect(good.failure).toBeNull();
    store.write(good);

    corruption.on = true;
    const bad = await runSparseJob(spec(0.75), task, data, dense, method, testRecordContext);
    corruption.on = false;
    expect(bad.failure).not.toBeNull();
    expect(bad.failure!.stage).toBe('evaluate');
    expect(bad.failure!.reason).toMatch(
      /^compaction check: the compacted network's outputs differ from the masked network's on 90 test inputs by [0-9.e-]+ \(relative; tolerance 0\.0001\)$/,
    );
    expect(bad.metrics).toBeNull();
    store.write(bad);

    const stored = readdirSync(join(store.dir, 'runs', task.id, manifest.id)).map((f) =>
      JSON.parse(readFileSync(join(store.dir, 'runs', task.id, manifest.id, f), 'utf8')),
    );
    expect(stored.map((r) => r.failure?.stage ?? null).sort()).toEqual(['evaluate', null]);
  });
});
