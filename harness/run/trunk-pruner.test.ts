import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mkdtempSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { denseSummaryOf, runDenseJob, runSparseJob, type DenseReference, type LoadedMethod } from './execute.ts';
import { blobTask, testRecordContext } from '../testing/fixtures.ts';
import { denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import { resolveHyperparameters } from '../jobs/hyperparameters.ts';
import { inProcessPruner, type Pruner } from '../prune/run-prune.ts';
import { getMethod } from '../registry/methods.ts';
import type { RunRecord } from '../store/run-record.ts';
import type { TaskData } from '../../api/task-api.ts';
import { TrunkCache } from './trunk-cache.ts';
import { trunkPruner } from './trunk-pruner.ts';
import { jobTrunkPlan, trunkKey } from './trunk-plan.ts';

const task = blobTask();
let data: TaskData;
let dense: DenseReference;
const SPARSITIES = [0.5, 0.75];

function spec(methodId: string, sparsity: number): JobSpec {
  const method = getMethod(methodId);
  return {
    ...currentVersions(),
    task: { id: task.id, version: task.version },
    method: { id: methodId, version: method.manifest.version, hyperparameters: resolveHyperparameters(method.manifest, { epochs: 2 }) },
    control: null,
    sparsity,
    seed: 0,
  };
}

/** imp or imp-rewind in process, its trainings counted, sharing the trunk levels in `cacheDir`. */
async function loaded(
  methodId: string,
  cacheDir: string,
  wrap: (pruner: Pruner) => Pruner = (p) => p,
): Promise<{ method: LoadedMethod; trainings: () => number }> {
  const registered = getMethod(methodId);
  const inner = inProcessPruner(await registered.load());
  let trainings = 0;
  const counting: Pruner = async (request) => {
    const outcome = await inner(request);
    trainings += outcome.trainings;
    return outcome;
  };
  return {
    method: {
      manifest: registered.manifest,
      sourceHash: registered.sourceHash,
      pruner: trunkPruner(wrap(counting), new TrunkCache(cacheDir), registered.sourceHash),
    },
    trainings: () => trainings,
  };
}

function metricsOf(record: RunRecord): string {
  expect(record.failure).toBeNull();
  return JSON.stringify(record.metrics);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  data = await task.load(0);
  const denseSpec = denseSpecFor(spec('imp', 0.5));
  const { record, weights } = runDenseJob(denseSpec, task, data, testRecordContext);
  dense = { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) };
});

const freshDir = () => mkdtempSync(join(tmpdir(), 'pb-trunk-'));

describe('trunk pruner', () => {
  for (const methodId of ['imp', 'imp-rewind']) {
    it(`gives ${methodId}'s jobs the metrics of the same jobs run alone, training the trunk once`, async () => {
      const plans = SPARSITIES.map((s) =>
        jobTrunkPlan('iterative-magnitude', task.architecture, task.recipe, spec(methodId, s).method!.hyperparameters, s),
      );
      const [low, high] = plans.map((p) => p.branchLevel);
      expect(low).toBeGreaterThan(1);
      expect(high).toBeGreaterThan(low);

      // Alone: each job with an empty cache of its own trains every round of its plan.
      const alone: RunRecord[] = [];
      let aloneTrainings = 0;
      for (const s of SPARSITIES) {
        const { method, trainings } = await loaded(methodId, freshDir());
        alone.push(await runSparseJob(spec(methodId, s), task, data, dense, method, testRecordContext));
        aloneTrainings += trainings();
      }
      // A job of the method as it ran before the trunk (no ctx.trunk) gets the same metrics too.
      const registered = getMethod(methodId);
      const untrunked: LoadedMethod = {
        manifest: { ...registered.manifest, trunk: undefined },
        sourceHash: registered.sourceHash,
        pruner: inProcessPruner(await registered.load()),
      };
      const before = await runSparseJob(spec(methodId, SPARSITIES[1]), task, data, dense, untrunked, testRecordContext);
      expect(before.trunk).toBeUndefined();
      expect(metricsOf(before)).toBe(metricsOf(alone[1]));
      expect(alone.map((r) => r.trunk)).toEqual([
        { level: low, reusedLevel: 0, rounds: low + 1 },
        { level: high, reusedLevel: 0, rounds: high + 1 },
      ]);

      // Shared: the second job starts from the first one's deepest level.
      const cacheDir = freshDir();
      const { method, trainings } = await loaded(methodId, cacheDir);
      const shared = [];
      for (const s of SPARSITIES) shared.push(await runSparseJob(spec(methodId, s), task, data, dense, method, testRecordContext));
      expect(shared.map((r) => r.trunk)).toEqual([
        { level: low, reusedLevel: 0, rounds: low + 1 },
        { level: high, reusedLevel: low + 1, rounds: high - low },
      ]);
      expect(shared.map(metricsOf)).toEqual(alone.map(metricsOf));
      // The rounds of the deeper job alone: the trunk's levels are trained once.
      expect(trainings()).toBe(high + 1);
      expect(aloneTrainings).toBe(low + high + 2);

      // Warm: with every level stored, the deeper job runs only its own last round.
      const warm = await loaded(methodId, cacheDir);
      const again = await runSparseJob(spec(methodId, 0.75), task, data, dense, warm.method, testRecordContext);
      expect(again.trunk).toEqual({ level: high, reusedLevel: high, rounds: 1 });
      expect(metricsOf(again)).toBe(metricsOf(alone[1]));
    }, 120_000);
  }

  it('resumes a job stopped after some levels from the last level it finished, with the same metrics', async () => {
    const cacheDir = freshDir();
    const job = spec('imp-rewind', 0.75);
    const { method: reference } = await loaded('imp-rewind', freshDir());
    const alone = await runSparseJob(job, task, data, dense, reference, testRecordContext);

    // The first run dies right after storing level 3, as a killed worker would.
    const dying = await loaded(
      'imp-rewind',
      cacheDir,
      (pruner) => (request) =>
        pruner({
          ...request,
          trunk: {
            start: request.trunk!.start,
            onLevel: (level) => {
              request.trunk!.onLevel(level);
              if (level.level === 3) throw new Error('killed');
            },
          },
        }),
    );
    const killed = await runSparseJob(job, task, data, dense, dying.method, testRecordContext);
    expect(killed.status).toBe('failed');
    expect(
      readdirSync(
        join(cacheDir, 'trunks', trunkKey(job, getMethod('imp-rewind').manifest, getMethod('imp-rewind').sourceHash).slice(0, 32)),
      ).sort(),
    ).toEqual(['level-1.trunk', 'level-2.trunk', 'level-3.trunk']);

    const fresh = await loaded('imp-rewind', cacheDir);
    const resumed = await runSparseJob(job, task, data, dense, fresh.method, testRecordContext);
    expect(resumed.trunk).toEqual({ level: alone.trunk!.level, reusedLevel: 3, rounds: alone.trunk!.level + 1 - 3 });
    expect(fresh.trainings()).toBe(alone.trunk!.level + 1 - 3);
    expect(metricsOf(resumed)).toBe(metricsOf(alone));
  }, 120_000);

  it('discards a stored level whose content was altered, with a warning, and trains its rounds again', async () => {
    const cacheDir = freshDir();
    const job = spec('imp', 0.5);
    const first = await loaded('imp', cacheDir);
    const original = await runSparseJob(job, task, data, dense, first.method, testRecordContext);
    const { level } = original.trunk!;
    const file = new TrunkCache(cacheDir).pathFor(trunkKey(job, getMethod('imp').manifest, getMethod('imp').sourceHash), level);
    const bytes = readFileSync(file);
    bytes[bytes.length - 1] ^= 0x40;
    writeFileSync(file, bytes);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const again = await loaded('imp', cacheDir);
      const record = await runSparseJob(job, task, data, dense, again.method, testRecordContext);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.some((w) => w.includes(`trunk level ${file} is unusable (its content does not match its hash)`))).toBe(true);
      expect(record.trunk).toEqual({ level, reusedLevel: level - 1, rounds: 2 });
      expect(metricsOf(record)).toBe(metricsOf(original));
    } finally {
      process.off('warning', onWarning);
    }
  }, 120_000);
});
