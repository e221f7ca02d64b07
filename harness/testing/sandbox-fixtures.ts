/** Methods written on the fly for sandbox tests, bundled as a run bundles them, and a prune request on the blob task. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleMethod } from '../sandbox/bundle.ts';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { denseSummaryOf, initialWeightsFor, runDenseJob, type DenseReference } from '../run/execute.ts';
import { denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import { currentVersions } from '../jobs/versions.ts';
import type { TaskData } from '../../api/task-api.ts';
import type { PruneRequest } from '../prune/run-prune.ts';
import { blobTask, testManifest, testRecordContext } from './fixtures.ts';

/** Scores every weight by |θ|: what an honest method returns, for the sandbox's same-record checks. */
export const magnitudeBody =
  'return { scores: Object.fromEntries(ctx.network.prunableNames.map((n) => [n, ctx.network.getWeights([n])[n].map(Math.abs)])) };';

/** Writes `<root>/methods/<name>/index.ts` (a prune(ctx) with `body`, after `prelude`) and bundles it into `<root>/bundles`. */
export async function bundledMethod(root: string, name: string, body: string, prelude = ''): Promise<string> {
  const dir = join(root, 'methods', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.ts'), `${prelude}\nexport async function prune(ctx: any) {\n${body}\n}\n`);
  return bundleMethod(join(dir, 'index.ts'), join(root, 'bundles'), name);
}

/** A prune request for method `methodId` on the blob task, seed 0, sparsity 0.5, from initial weights. */
export async function blobPruneRequest(methodId: string): Promise<PruneRequest> {
  const task = blobTask();
  const data = await task.load(0);
  return {
    spec: {
      ...currentVersions(),
      task: { id: task.id, version: task.version },
      method: { id: methodId, version: '1.0.0', hyperparameters: {} },
      control: null,
      sparsity: 0.5,
      seed: 0,
    },
    manifest: testManifest(),
    architecture: task.architecture,
    recipe: task.recipe,
    taskKind: task.kind,
    train: data.splits.train,
    validation: data.splits.validation,
    weights: initialWeightsFor(task, data, 0),
  };
}

/** The blob task's data for seed 0 and its trained dense reference for `spec` (cpu backend). */
export async function blobDenseReference(spec: JobSpec): Promise<{ data: TaskData; dense: DenseReference }> {
  await tf.setBackend('cpu');
  const data = await blobTask().load(0);
  const denseSpec = denseSpecFor(spec);
  const { record, weights } = runDenseJob(denseSpec, blobTask(), data, testRecordContext);
  return { data, dense: { recordId: jobId(denseSpec), weights, summary: denseSummaryOf(record) } };
}
