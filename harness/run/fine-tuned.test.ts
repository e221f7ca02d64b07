import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { denseSummaryOf, runDenseJob, runSparseJob, type DenseReference } from './execute.ts';
import { inProcessPruner } from '../prune/run-prune.ts';
import { blobTask, testManifest, testRecordContext } from '../testing/fixtures.ts';
import { denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { MaskedNetwork } from '../../engine/network.ts';
import { quickScore } from '../../engine/predict.ts';
import type { MaskMap, MethodManifest, PruneContext, PruneFunction, PruneResult } from '../../api/method-api.ts';
import type { TaskData } from '../../api/task-api.ts';

const task = blobTask();
const spec: JobSpec = {
  ...currentVersions(),
  task: { id: task.id, version: task.version },
  method: { id: 'tuner', version: '1.0.0', hyperparameters: {} },
  control: null,
  sparsity: 0.5,
  seed: 0,
};
const afterTraining = testManifest({ id: 'tuner', when: 'after-training', output: 'masks' });
let data: TaskData;
let dense: DenseReference;

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await task.load(0);
  const denseSpec = denseSpecFor(spec);
  const { record, weights } = runDenseJob(denseSpec, task, data, testRecordContext);
  dense = { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) };
});

/** Keeps the first half of each kernel. */
function halfMasks(ctx: PruneContext): MaskMap {
  return Object.fromEntries(
    ctx.network.prunableNames.map((n) => {
      const size = ctx.network.getWeights([n])[n].length;
      return [n, Float32Array.from({ length: size }, (_, i) => (i < size / 2 ? 1 : 0))];
    }),
  );
}

const zeroLoss = (outputs: tf.Tensor) => tf.mul(0, tf.sum(outputs)) as tf.Scalar;

function run(prune: PruneFunction, manifest: MethodManifest = afterTraining, jobSpec: JobSpec = spec) {
  return runSparseJob(
    jobSpec,
    task,
    data,
    dense,
    { manifest, sourceHash: 'f'.repeat(64), pruner: inProcessPruner(prune) },
    testRecordContext,
  );
}

describe('fineTuned: an after-training method fine-tunes itself', () => {
  it('keeps the weights prune() leaves and skips the harness fine-tuning', async () => {
    const record = await run((ctx) => {
      const masks = halfMasks(ctx);
      ctx.setMasks(masks);
      ctx.train({ epochs: 1, loss: zeroLoss });
      return { masks, fineTuned: true };
    });
    expect(record.failure).toBeNull();
    // The zero loss left the dense weights × mask untouched, and the harness trained no further.
    const probe = MaskedNetwork.fromWeights(task.architecture, dense.weights);
    const masks = Object.fromEntries(
      probe.prunableNames.map((n) => {
        const size = probe.variable(n).size;
        return [n, Float32Array.from({ length: size }, (_, i) => (i < size / 2 ? 1 : 0))];
      }),
    );
    probe.setMasks(masks);
    const untrained = quickScore(probe, data.splits.test);
    probe.dispose();
    expect(record.metrics!.accuracy).toBeCloseTo(untrained.accuracy!, 10);
    // Without fineTuned the harness fine-tunes the same mask with cross-entropy, and the accuracy moves.
    const harnessTuned = await run((ctx) => ({ masks: halfMasks(ctx) }));
    expect(harnessTuned.metrics!.accuracy).not.toBeCloseTo(untrained.accuracy!, 10);
  });

  it('is discarded under a control: the shuffled mask is fine-tuned by the harness from the dense weights', async () => {
    const shuffled: JobSpec = { ...spec, control: 'shuffled' };
    const tunedItself = await run(
      (ctx) => {
        const masks = halfMasks(ctx);
        ctx.setMasks(masks);
        ctx.train({ epochs: 1, loss: zeroLoss });
        return { masks, fineTuned: true };
      },
      afterTraining,
      shuffled,
    );
    const plain = await run((ctx) => ({ masks: halfMasks(ctx) }), afterTraining, shuffled);
    expect(tunedItself.failure).toBeNull();
    expect(tunedItself.metrics).toEqual({ ...plain.metrics });
  });

  const refusals: Array<[string, PruneFunction, MethodManifest, RegExp]> = [
    [
      'without a ctx.train call',
      (ctx) => ({ masks: halfMasks(ctx), fineTuned: true }),
      afterTraining,
      /tuner: fineTuned is set but prune\(\) never called ctx.train/,
    ],
    [
      'with scores',
      (ctx) => (ctx.train({ steps: 1 }), { scores: Object.fromEntries(Object.entries(halfMasks(ctx))), fineTuned: true }),
      afterTraining,
      /fineTuned needs masks, not scores/,
    ],
    [
      'from a method that does not prune after training',
      (ctx) => (ctx.train({ steps: 1 }), { masks: halfMasks(ctx), fineTuned: true }),
      testManifest({ id: 'tuner', when: 'iterative', output: 'masks' }),
      /only after-training methods may return fineTuned; 'tuner' prunes 'iterative'/,
    ],
    [
      'that is not a boolean',
      (ctx) => ({ masks: halfMasks(ctx), fineTuned: 'yes' }) as unknown as PruneResult,
      afterTraining,
      /fineTuned must be a boolean, got string/,
    ],
  ];
  for (const [what, prune, manifest, reason] of refusals) {
    it(`fails the job at stage check ${what}`, async () => {
      const record = await run(prune, manifest);
      expect(record.status).toBe('failed');
      expect(record.failure!.stage).toBe('check');
      expect(record.failure!.reason).toMatch(reason);
    });
  }

  it('fails the job at stage prune, naming the method, when its training loss is not finite', async () => {
    const record = await run((ctx) => {
      ctx.setMasks(halfMasks(ctx));
      ctx.train({ epochs: 1, loss: (outputs) => tf.mul(NaN, tf.sum(outputs)) as tf.Scalar });
      return { masks: halfMasks(ctx), fineTuned: true };
    });
    expect(record.status).toBe('failed');
    expect(record.failure).toEqual({ stage: 'prune', reason: "tuner: the method's training loss is not finite (NaN)" });
  });
});
