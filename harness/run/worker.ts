/**
 * A worker process: one backend, runs the jobs its parent sends, writes each record atomically,
 * reports back. Dense references and task data are cached in memory and on disk, and so are the
 * trunk levels of trunk methods (trunk-pruner.ts).
 */
import { selectBackend } from '../../engine/backend/backend-selection.ts';
import { denseSpecFor, jobId, type JobSpec } from '../jobs/spec.ts';
import { ResultStore } from '../store/store.ts';
import { CheckpointCache } from './checkpoints.ts';
import { environmentOf } from './environment.ts';
import {
  denseSummaryOf,
  failedRecord,
  runDenseJob,
  runSparseJob,
  type DenseReference,
  type LoadedMethod,
  type RecordContext,
} from './execute.ts';
import type { TaskData } from '../../api/task-api.ts';
import { getTask } from '../registry/suites.ts';
import type { RunRecord } from '../store/run-record.ts';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { sandboxedMethod } from './sandboxed-method.ts';
import { TrunkCache } from './trunk-cache.ts';
import { trunkPruner } from './trunk-pruner.ts';
import { ignoreInspectorSignal } from './inspector-signal.ts';
import type { SparseStage } from './execute.ts';

ignoreInspectorSignal();

export interface WorkerConfig {
  resultsDir: string;
  cacheDir: string;
  backend?: string;
  provenance: RecordContext['provenance'];
  /** Scratch directory owned by the runner (removed by it when the run ends, even after a kill). */
  scratchDir: string;
}

export type WorkerRequest =
  | { type: 'init'; config: WorkerConfig }
  | { type: 'dense'; spec: JobSpec; writeRecord: boolean }
  /** `bundle`: the method already bundled by the runner (once per run); absent, the worker bundles it. */
  | { type: 'sparse'; spec: JobSpec; bundle?: string };

export type WorkerReply =
  | { type: 'ready'; backend: string; note: string; environment: RecordContext['environment'] }
  /** Sent as a sparse job enters a stage, so a job whose worker dies is recorded at the right stage. */
  | { type: 'stage'; id: string; stage: SparseStage }
  | { type: 'done'; id: string; status: 'ok' | 'failed' | 'cached'; reason?: string; seconds: number }
  | { type: 'fatal'; message: string };

let config: WorkerConfig;
let sandboxDir: string;
let sandboxBackend: 'wasm' | 'cpu';
let recordContext: RecordContext;
let store: ResultStore;
let checkpoints: CheckpointCache;
const taskData = new Map<string, TaskData>();
const methods = new Map<string, LoadedMethod>();

async function loadTaskData(spec: JobSpec): Promise<TaskData> {
  const key = `${spec.task.id}@${spec.task.version}#${spec.seed}`;
  let data = taskData.get(key);
  if (!data) {
    const task = getTask(spec.task.id);
    if (task.version !== spec.task.version)
      throw new Error(`task '${task.id}' is at version ${task.version}, the job asks for ${spec.task.version}`);
    data = await task.load(spec.seed);
    if (taskData.size > 4) taskData.clear();
    taskData.set(key, data);
  }
  return data;
}

async function loadMethod(id: string, prebuilt: string | undefined): Promise<LoadedMethod> {
  let m = methods.get(id);
  if (!m) {
    const sandboxed = await sandboxedMethod(id, { sandboxDir, backend: sandboxBackend, bundle: prebuilt });
    m = { ...sandboxed, pruner: trunkPruner(sandboxed.pruner, new TrunkCache(config.cacheDir), sandboxed.sourceHash) };
    methods.set(id, m);
  }
  return m;
}

/** The dense reference of a job: from the store and checkpoint cache, else trained now (deterministic). */
async function denseReference(spec: JobSpec, writeRecord: boolean): Promise<{ reference: DenseReference; trained: boolean }> {
  const denseSpec = denseSpecFor(spec);
  const id = jobId(denseSpec);
  const existing = store.read(denseSpec);
  const weights = checkpoints.load(id);
  if (existing && existing.status === 'ok' && weights)
    return { reference: { recordId: id, summary: denseSummaryOf(existing), weights }, trained: false };
  const task = getTask(spec.task.id);
  const data = await loadTaskData(spec);
  const { record, weights: trainedWeights } = runDenseJob(denseSpec, task, data, recordContext);
  checkpoints.save(id, trainedWeights);
  if (writeRecord && !existing) store.write(record);
  return { reference: { recordId: id, summary: denseSummaryOf(existing ?? record), weights: trainedWeights }, trained: true };
}

async function handle(request: WorkerRequest): Promise<WorkerReply | null> {
  if (request.type === 'init') {
    config = request.config;
    const backend = await selectBackend(config.backend);
    recordContext = { environment: environmentOf(backend), provenance: config.provenance };
    store = new ResultStore(config.resultsDir);
    // The sandbox runs prune() on wasm (or cpu when the job runs on cpu): a native backend cannot be bundled.
    sandboxBackend = backend.name === 'cpu' ? 'cpu' : 'wasm';
    sandboxDir = mkdtempSync(join(config.scratchDir, 'worker-'));
    checkpoints = new CheckpointCache(config.cacheDir);
    return { type: 'ready', backend: backend.name, note: backend.note, environment: recordContext.environment };
  }
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const spec = request.spec;
  const id = jobId(spec);
  if (request.type === 'dense') {
    try {
      const { trained } = await denseReference(spec, request.writeRecord);
      return { type: 'done', id, status: trained ? 'ok' : 'cached', seconds: elapsed() };
    } catch (e) {
      const reason = (e as Error).message;
      if (request.writeRecord && !store.has(spec)) store.write(failedRecord(spec, recordContext, 'setup', reason, null, elapsed()));
      return { type: 'done', id, status: 'failed', reason, seconds: elapsed() };
    }
  }
  let method: LoadedMethod | null = null;
  let record: RunRecord;
  try {
    method = await loadMethod(spec.method!.id, request.bundle);
    const task = getTask(spec.task.id);
    const data = await loadTaskData(spec);
    const { reference } = await denseReference(spec, false);
    record = await runSparseJob(spec, task, data, reference, method, recordContext, (stage) =>
      process.send!({ type: 'stage', id, stage } satisfies WorkerReply),
    );
  } catch (e) {
    record = failedRecord(spec, recordContext, 'setup', (e as Error).message, method?.sourceHash ?? null, elapsed());
  }
  store.write(record);
  return { type: 'done', id, status: record.status, reason: record.failure?.reason, seconds: elapsed() };
}

let queue = Promise.resolve();
process.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      const reply = await handle(request);
      if (reply) process.send!(reply);
    } catch (e) {
      process.send!({ type: 'fatal', message: `${(e as Error).message}\n${(e as Error).stack ?? ''}` } satisfies WorkerReply);
    }
  });
});
process.on('disconnect', () => process.exit(0));
