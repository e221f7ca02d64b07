import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denseSummaryOf, runDenseJob, runSparseJob, type DenseReference, type LoadedMethod } from './execute.ts';
import { COMPACTION_TOLERANCE } from './inference.ts';
import { blobTask, testManifest, testRecordContext } from '../testing/fixtures.ts';
import { denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { ResultStore } from '../store/store.ts';
import type { MethodManifest, PruneFunction } from '../../api/method-api.ts';
import { inProcessPruner } from '../prune/run-prune.ts';
import { unitL1 } from '../testing/unit-scores.ts';
import type { TaskData } from '../../api/task-api.ts';

// The blob task's MLP: fc1/kernel [6, 80], fc2/kernel [80, 3] (the output layer).
const task = blobTask();
let data: TaskData;
let dense: DenseReference;

const structured = (structures: MethodManifest['structures'], overrides: Partial<MethodManifest> = {}) =>
  testManifest({ structures, ...overrides });

function spec(sparsity: number, structure: JobSpec['structure'], manifest: MethodManifest, control: JobSpec['control'] = null): JobSpec {
  return {
    ...currentVersions(),
    task: { id: task.id, version: task.version },
    method: { id: manifest.id, version: manifest.version, hyperparameters: {} },
    control,
    sparsity,
    seed: 0,
    ...(structure ? { structure } : {}),
  };
}

function method(prune: PruneFunction, manifest: MethodManifest): LoadedMethod {
  return { manifest, sourceHash: 'a'.repeat(64), pruner: inProcessPruner(prune) };
}

const magnitude: PruneFunction = (ctx) => ({
  scores: Object.fromEntries(ctx.network.prunableNames.map((n) => [n, ctx.network.getWeights([n])[n].map(Math.abs)])),
});

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await task.load(0);
  const denseSpec = denseSpecFor(spec(0.5, undefined, testManifest()));
  const { record, weights } = runDenseJob(denseSpec, task, data, testRecordContext);
  expect(record.metrics!.inference).toMatchObject({
    acceleration: 'none',
    compaction: null,
    throughput: null,
    macs: 6 * 80 + 80 * 3,
    denseMacs: 6 * 80 + 80 * 3,
  });
  dense = { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) };
});

describe('neuron jobs', () => {
  const manifest = structured(['neuron']);

  it('cut unit scores layer-wise, count units removed, compact the network, check its outputs and measure its throughput', async () => {
    const record = await runSparseJob(
      spec(0.5, { kind: 'neuron' }, manifest),
      task,
      data,
      dense,
      method(unitL1, manifest),
      testRecordContext,
    );
    expect(record.failure).toBeNull();
    const m = record.metrics!;
    expect(m.units).toEqual({ removed: 40, total: 80, fraction: 0.5, layers: [{ name: 'fc1/kernel', units: 80, kept: 40 }] });
    // 40 of 80 hidden units: half of fc1's 480 weights and half of fc2's 240 remain.
    expect(m.sparsity.global).toBe(0.5);
    expect(m.sparsity.target).toBe(0.5);
    const inference = m.inference!;
    expect(inference.acceleration).toBe('compacted');
    expect(inference.macs).toBe(6 * 40 + 40 * 3);
    expect(inference.denseMacs).toBe(6 * 80 + 80 * 3);
    expect(inference.compaction!.layers).toEqual([{ name: 'fc1', before: 80, after: 40 }]);
    expect(inference.compaction!.checkedSamples).toBe(90);
    expect(inference.compaction!.maxRelativeDifference).toBeLessThanOrEqual(COMPACTION_TOLERANCE);
    const t = inference.throughput!;
    expect(t.batchSize).toBe(256);
    expect(t.passes).toBe(15);
    expect(t.clock).toBe('process-cpu');
    expect(t.speedup).toBeCloseTo(t.compactedSamplesPerSecond / t.denseSamplesPerSecond, 10);
    expect(() => new ResultStore(mkdtempSync(join(tmpdir(), 'pb-structured-'))).write(record)).not.toThrow();
  });

  it('on a planted task, score the hidden units kept against the planted ticket units', async () => {
    // Planted: edges from input 0 into hidden units 0–9, and from those units to output 0.
    const fc1 = new Float32Array(480);
    const fc2 = new Float32Array(240);
    for (let j = 0; j < 10; j++) {
      fc1[j] = 1;
      fc2[j * 3] = 1;
    }
    const planted = {
      ...data,
      planted: { truthMask: { 'fc1/kernel': fc1, 'fc2/kernel': fc2 }, plantedDensity: 20 / 720, plantedScore: 0.9 },
    };
    // Keeps hidden units 0–39: 10 kept planted units of 40 kept (precision 1/4), all 10 planted ones (recall 1), Jaccard 10/40.
    const firstUnits: PruneFunction = (ctx) => ({
      unitScores: Object.fromEntries(
        (ctx.target.units ?? []).map(({ name, units }) => [name, Float32Array.from({ length: units }, (_, j) => units - j)]),
      ),
    });
    const record = await runSparseJob(
      spec(0.5, { kind: 'neuron' }, manifest),
      task,
      planted,
      dense,
      method(firstUnits, manifest),
      testRecordContext,
    );
    expect(record.failure).toBeNull();
    expect(record.planted!.unitRecovery).toEqual({
      precision: 0.25,
      recall: 1,
      jaccard: 0.25,
      layers: [{ name: 'fc1/kernel', units: 80, kept: 40, planted: 10, precision: 0.25, recall: 1, jaccard: 0.25 }],
    });
    // The weight-level recovery is the record's as before: 20 planted weights, all kept, of 40 · 6 + 40 · 3 kept.
    expect(record.planted!.recovery).toEqual({ precision: 20 / 360, recall: 1, jaccard: 20 / 360 });
    expect(() => new ResultStore(mkdtempSync(join(tmpdir(), 'pb-structured-'))).write(record)).not.toThrow();
    // An unstructured job on the same task has no unit recovery.
    const plain = testManifest();
    const unstructured = await runSparseJob(spec(0.5, undefined, plain), task, planted, dense, method(magnitude, plain), testRecordContext);
    expect(unstructured.failure).toBeNull();
    expect(unstructured.planted!.unitRecovery).toBeUndefined();
  });

  it('fail at stage check on a half-removed unit, naming the layer and the weight', async () => {
    const halfRemoved: PruneFunction = (ctx) => {
      const fc1 = new Float32Array(480).fill(1);
      const fc2 = new Float32Array(240).fill(1);
      for (let i = 0; i < 6; i++) for (let j = 0; j < 40; j++) fc1[i * 80 + j] = 0; // units 0–39 lose their incoming weights
      for (let j = 1; j < 40; j++) for (let k = 0; k < 3; k++) fc2[j * 3 + k] = 0; // but unit 0 is still read by fc2
      void ctx;
      return { masks: { 'fc1/kernel': fc1, 'fc2/kernel': fc2 } };
    };
    const record = await runSparseJob(
      spec(0.5, { kind: 'neuron' }, manifest),
      task,
      data,
      dense,
      method(halfRemoved, manifest),
      testRecordContext,
    );
    expect(record.status).toBe('failed');
    expect(record.failure!.stage).toBe('check');
    expect(record.failure!.reason).toBe(
      'the mask breaks the neuron structure: fc2/kernel: weight 0 (input 0, unit 0) is kept although its input or its unit is removed: a unit is removed whole, with the weights that read it',
    );
  });

  it('refuse per-weight scores and a wrong number of units', async () => {
    const scores = await runSparseJob(
      spec(0.5, { kind: 'neuron' }, manifest),
      task,
      data,
      dense,
      method(magnitude, manifest),
      testRecordContext,
    );
    expect([scores.failure?.stage, scores.failure?.reason]).toEqual([
      'check',
      'fake: a neuron job takes unitScores (one score per unit) or masks, not per-weight scores',
    ]);
    const tooFew: PruneFunction = (ctx) => {
      const fc1 = new Float32Array(480);
      const fc2 = new Float32Array(240);
      for (let i = 0; i < 6; i++) for (let j = 0; j < 30; j++) fc1[i * 80 + j] = 1;
      for (let j = 0; j < 30; j++) for (let k = 0; k < 3; k++) fc2[j * 3 + k] = 1;
      void ctx;
      return { masks: { 'fc1/kernel': fc1, 'fc2/kernel': fc2 } };
    };
    const count = await runSparseJob(
      spec(0.5, { kind: 'neuron' }, manifest),
      task,
      data,
      dense,
      method(tooFew, manifest),
      testRecordContext,
    );
    expect(count.failure?.reason).toBe(
      'the mask breaks the neuron structure: fc1/kernel: keeps 30 of 80 units, the neuron structure at ratio 0.5 keeps 40 in every layer (80 − round(0.5 · 80))',
    );
  });

  it('a manifest saying reinit runs exactly as the reinit control', async () => {
    const reinit = structured(['neuron'], { reinit: true });
    const own = await runSparseJob(spec(0.5, { kind: 'neuron' }, reinit), task, data, dense, method(unitL1, reinit), testRecordContext);
    const control = await runSparseJob(
      spec(0.5, { kind: 'neuron' }, manifest, 'reinit'),
      task,
      data,
      dense,
      method(unitL1, manifest),
      testRecordContext,
    );
    const fineTuned = await runSparseJob(
      spec(0.5, { kind: 'neuron' }, manifest),
      task,
      data,
      dense,
      method(unitL1, manifest),
      testRecordContext,
    );
    expect(own.metrics!.accuracy).toBe(control.metrics!.accuracy);
    expect(own.metrics!.training).toEqual({ ...control.metrics!.training });
    expect(own.metrics!.training.epochs).toBe(task.recipe.epochs);
    expect(fineTuned.metrics!.training.epochs).toBe(task.recipe.fineTuneEpochs);
  });

  it('the shuffled control keeps the structure and the unit counts', async () => {
    const record = await runSparseJob(
      spec(0.5, { kind: 'neuron' }, manifest, 'shuffled'),
      task,
      data,
      dense,
      method(unitL1, manifest),
      testRecordContext,
    );
    expect(record.failure).toBeNull();
    expect(record.metrics!.units!.removed).toBe(40);
  });
});

describe('N:M jobs', () => {
  const manifest = structured(['n:m']);

  it('keep the N largest scores of every group and say nothing here accelerates them', async () => {
    const record = await runSparseJob(
      spec(0.5, { kind: 'n:m', n: 2, m: 4 }, manifest),
      task,
      data,
      dense,
      method(magnitude, manifest),
      testRecordContext,
    );
    expect(record.failure).toBeNull();
    // fc1: 6 inputs = a group of 4 (keeps 2) and one of 2 (keeps 2) per unit: 4 of 6; fc2: 80 inputs, 40 kept per output.
    expect(record.metrics!.parameters.remaining).toBe(80 * 4 + 3 * 40);
    expect(record.metrics!.inference).toMatchObject({ acceleration: 'none', compaction: null, throughput: null, macs: 80 * 4 + 3 * 40 });
    expect(record.metrics!.inference!.statement).toMatch(/no backend here accelerates 2:4 sparsity/);
    expect(record.metrics!.units).toBeUndefined();
  });

  it('fail at stage check on a 2:4 mask with one group of 3, naming the layer, output and group', async () => {
    const threeInOneGroup: PruneFunction = (ctx) => {
      const masks = { 'fc1/kernel': new Float32Array(480), 'fc2/kernel': new Float32Array(240) };
      for (let i = 0; i < 6; i++) for (let j = 0; j < 80; j++) masks['fc1/kernel'][i * 80 + j] = i % 4 < 2 ? 1 : 0;
      for (let r = 0; r < 80; r++) for (let k = 0; k < 3; k++) masks['fc2/kernel'][r * 3 + k] = r % 4 < 2 ? 1 : 0;
      masks['fc2/kernel'][2 * 3 + 1] = 1; // input 2 into output 1: its group 0–3 keeps 3
      void ctx;
      return { masks };
    };
    const record = await runSparseJob(
      spec(0.5, { kind: 'n:m', n: 2, m: 4 }, manifest),
      task,
      data,
      dense,
      method(threeInOneGroup, manifest),
      testRecordContext,
    );
    expect([record.status, record.failure?.stage]).toEqual(['failed', 'check']);
    expect(record.failure!.reason).toBe(
      'the mask breaks the 2:4 structure: fc2/kernel: the group of input positions 0–3 into output 1 keeps 3, not 2 (2:4)',
    );
  });

  it('refuse unit scores', async () => {
    const record = await runSparseJob(
      spec(0.5, { kind: 'n:m', n: 2, m: 4 }, manifest),
      task,
      data,
      dense,
      method(unitL1, manifest),
      testRecordContext,
    );
    expect(record.failure?.reason).toBe("fake: unitScores are for neuron and filter jobs; this job's structure is 2:4");
  });
});

describe('unstructured jobs', () => {
  it('carry inference MACs of their non-zero weights and no measured throughput', async () => {
    const record = await runSparseJob(
      spec(0.75, undefined, testManifest()),
      task,
      data,
      dense,
      method(magnitude, testManifest()),
      testRecordContext,
    );
    expect(record.metrics!.inference).toMatchObject({
      acceleration: 'none',
      macs: record.metrics!.flops.sparse,
      denseMacs: record.metrics!.flops.dense,
      throughput: null,
    });
    expect(record.metrics!.inference!.statement).toMatch(/no backend here accelerates unstructured sparsity/);
  });
});
