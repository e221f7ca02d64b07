import { MaskedNetwork, initialWeights } from '../../engine/network.ts';
import { Rng } from '../../engine/rng.ts';
import { trainNetwork, type TrainingResult } from '../../engine/train.ts';
import type { MaskMap, WeightMap } from '../../engine/types.ts';
import { jobId, denseSpecFor, type JobSpec } from '../jobs/spec.ts';
import type { MethodManifest } from '../../api/method-api.ts';
import { checkJobHyperparameters } from '../jobs/hyperparameters.ts';
import { checkMasks, countKept, masksFromScores, MethodResultError } from '../prune/mask-selection.ts';
import { applyRecycledWeights, type RecyclingSummary } from '../prune/recycled-weights.ts';
import { applyScaleFactors, type RescalingSummary } from '../prune/scale-factors.ts';
import type { Pruner } from '../prune/run-prune.ts';
import type { RunRecord } from '../store/run-record.ts';
import type { TaskData, TaskDefinition } from '../../api/task-api.ts';
import { evaluateOnTest, plantedMetrics, plantedScore, type DenseSummary } from './run-metrics.ts';

export interface RecordContext {
  environment: RunRecord['environment'];
  provenance: Omit<RunRecord['provenance'], 'date' | 'methodSourceHash'>;
}

export interface DenseReference {
  recordId: string;
  summary: DenseSummary;
  weights: WeightMap;
}

/** A method ready to run jobs: a registered method's manifest and source hash with the Pruner that runs its prune(). */
export interface LoadedMethod {
  manifest: MethodManifest;
  sourceHash: string;
  /** Runs the method's prune(): in process (tests) or in the permission-restricted sandbox (runs). */
  pruner: Pruner;
}

/** A failure at a named stage; becomes a failed record. */
export class StageError extends Error {
  constructor(
    readonly stage: NonNullable<RunRecord['failure']>['stage'],
    message: string,
  ) {
    super(message);
  }
}

const SPARSITY_TOLERANCE = 0.001;

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/** Weights at initialisation for a task and seed: shared by the dense reference and every sparse run. */
export function initialWeightsFor(task: TaskDefinition, data: TaskData, seed: number): WeightMap {
  return data.initialWeights ?? initialWeights(task.architecture, new Rng(seed));
}

function baseRecord(spec: JobSpec, ctx: RecordContext, methodSourceHash: string | null): RunRecord {
  return {
    schemaVersion: 1,
    id: jobId(spec),
    job: spec,
    status: 'ok',
    failure: null,
    metrics: null,
    dense: null,
    planted: null,
    environment: ctx.environment,
    provenance: { ...ctx.provenance, date: new Date().toISOString(), methodSourceHash },
    timings: { pruneSeconds: 0, trainSeconds: 0, evaluateSeconds: 0, totalSeconds: 0 },
  };
}

export function failedRecord(
  spec: JobSpec,
  ctx: RecordContext,
  stage: NonNullable<RunRecord['failure']>['stage'],
  reason: string,
  methodSourceHash: string | null,
  totalSeconds = 0,
): RunRecord {
  const record = baseRecord(spec, ctx, methodSourceHash);
  record.status = 'failed';
  record.failure = { stage, reason: reason.slice(0, 2000) || 'unknown error' };
  record.timings.totalSeconds = totalSeconds;
  return record;
}

/** What a sparse job needs from its dense reference's record. */
export function denseSummaryOf(record: RunRecord): DenseSummary {
  if (!record.metrics) throw new Error(`dense reference ${record.id} has no metrics (status ${record.status})`);
  return {
    accuracy: record.metrics.accuracy,
    mse: record.metrics.mse,
    groupAccuracies: record.metrics.disparateImpact?.groups.map((g) => ({ group: g.group, count: g.count, accuracy: g.accuracy })) ?? null,
  };
}

/** Trains the dense reference; returns its record and trained weights. */
export function runDenseJob(
  spec: JobSpec,
  task: TaskDefinition,
  data: TaskData,
  ctx: RecordContext,
): { record: RunRecord; weights: WeightMap } {
  const started = performance.now();
  const rng = new Rng(spec.seed);
  const network = MaskedNetwork.fromWeights(task.architecture, initialWeightsFor(task, data, spec.seed));
  try {
    const trainStart = performance.now();
    const training = trainNetwork({
      network,
      train: data.splits.train,
      validation: data.splits.validation,
      recipe: task.recipe,
      epochs: task.recipe.epochs,
      rng: rng.fork('train:dense'),
    });
    const trainSeconds = seconds(trainStart);
    const evalStart = performance.now();
    const { metrics } = evaluateOnTest({ task, network, test: data.splits.test, targetSparsity: 0, dense: null, training });
    const record = baseRecord(spec, ctx, null);
    record.metrics = metrics;
    record.timings = { pruneSeconds: 0, trainSeconds, evaluateSeconds: seconds(evalStart), totalSeconds: seconds(started) };
    return { record, weights: network.getWeights() };
  } finally {
    network.dispose();
  }
}

function shuffleWithinLayers(masks: MaskMap, rng: Rng): MaskMap {
  const out: MaskMap = {};
  for (const [name, mask] of Object.entries(masks)) out[name] = rng.fork(name).shuffle(Float32Array.from(mask));
  return out;
}

/**
 * The weights of an after-training method that says it fine-tuned (`fineTuned: true`): only with
 * masks (scores would let the harness's cut differ from the mask trained under), and only if the
 * method called ctx.train. Null for `fineTuned: false`.
 */
function checkedFineTuning(
  result: { fineTuned?: unknown; masks?: unknown },
  manifest: MethodManifest,
  trainings: number,
  weights: WeightMap,
): WeightMap | null {
  if (typeof result.fineTuned !== 'boolean') throw new MethodResultError(`fineTuned must be a boolean, got ${typeof result.fineTuned}`);
  if (!result.fineTuned) return null;
  if (manifest.when !== 'after-training')
    throw new MethodResultError(`only after-training methods may return fineTuned; '${manifest.id}' prunes '${manifest.when}'`);
  if (result.masks === undefined)
    throw new MethodResultError('fineTuned needs masks, not scores: the harness must keep the mask the method fine-tuned under');
  if (trainings < 1) throw new MethodResultError('fineTuned is set but prune() never called ctx.train');
  return weights;
}

function negateScores(scores: WeightMap): WeightMap {
  return Object.fromEntries(Object.entries(scores).map(([n, s]) => [n, s.map((v) => -v)]));
}

/** Runs one pruning job end to end. Never throws for a method fault: returns a failed record instead. */
/** The stages of a sparse job that a worker reports as it enters them. */
export type SparseStage = 'prune' | 'train' | 'evaluate';

export async function runSparseJob(
  spec: JobSpec,
  task: TaskDefinition,
  data: TaskData,
  dense: DenseReference,
  method: LoadedMethod,
  ctx: RecordContext,
  onStage: (stage: SparseStage) => void = () => {},
): Promise<RunRecord> {
  const started = performance.now();
  const { manifest } = method;
  if (!spec.method) throw new Error('runSparseJob needs a method');
  if (jobId(denseSpecFor(spec)) !== dense.recordId) throw new Error('runSparseJob: dense reference does not belong to this job');
  const rng = new Rng(spec.seed);
  // Drawn only when used (its own Rng, so no other stream moves): after-training jobs start from the dense weights.
  let initial: WeightMap | null = null;
  const initWeights = () => (initial ??= initialWeightsFor(task, data, spec.seed));
  const startWeights = manifest.when === 'after-training' ? dense.weights : initWeights();
  const network = MaskedNetwork.fromWeights(task.architecture, startWeights);
  const timings = { pruneSeconds: 0, trainSeconds: 0, evaluateSeconds: 0, totalSeconds: 0 };
  try {
    const names = network.prunableNames;
    const shapes = network.shapes;
    const total = names.reduce((s, n) => s + network.variable(n).size, 0);
    try {
      checkJobHyperparameters(manifest, spec.method.hyperparameters);
    } catch (e) {
      throw new StageError('setup', (e as Error).message);
    }

    // 1. The method decides the mask, seeing train and validation data only.
    const pruneStart = performance.now();
    onStage('prune');
    let masks: MaskMap;
    // Strong-ticket weight recycling: the initial weights with the method's checked replacements.
    let recycled: { weights: WeightMap; summary: RecyclingSummary } | null = null;
    let trunk: RunRecord['trunk'];
    // Init-method rescaling: the initial weights with the method's checked per-unit factors applied.
    let rescaled: { weights: WeightMap; summary: RescalingSummary } | null = null;
    // An after-training method that fine-tuned the masked network itself: the weights it left.
    let methodFineTuned: WeightMap | null = null;
    try {
      const outcome = await method.pruner({
        spec,
        manifest,
        architecture: task.architecture,
        recipe: task.recipe,
        taskKind: task.kind,
        train: data.splits.train,
        validation: data.splits.validation,
        weights: startWeights,
      });
      const result = outcome.result;
      trunk = outcome.trunk;
      if (!result || typeof result !== 'object' || (!('scores' in result) && !('masks' in result))) {
        throw new MethodResultError('prune() must return { scores } or { masks }');
      }
      if (manifest.when === 'iterative' || manifest.when === 'during-training') network.setWeights(outcome.weights);
      if (result.recycledWeights !== undefined) {
        if (manifest.when !== 'strong-ticket')
          throw new MethodResultError(`only strong-ticket methods may return recycledWeights; '${manifest.id}' prunes '${manifest.when}'`);
        recycled = applyRecycledWeights(result.recycledWeights, initWeights(), names, shapes);
      }
      if (result.scaleFactors !== undefined) {
        if (manifest.when !== 'init')
          throw new MethodResultError(`only init methods may return scaleFactors; '${manifest.id}' prunes '${manifest.when}'`);
        rescaled = applyScaleFactors(result.scaleFactors, initWeights(), names, shapes);
      }
      if (result.fineTuned !== undefined) {
        methodFineTuned = checkedFineTuning(result, manifest, outcome.trainings, outcome.weights);
      }
      if ('scores' in result) {
        const scores = spec.control === 'inverted' ? negateScores(result.scores) : result.scores;
        masks = masksFromScores(scores, names, shapes, spec.sparsity, manifest.scope, spec.seed);
      } else {
        if (spec.control === 'inverted')
          throw new StageError('setup', `control 'inverted' needs a method that returns scores; '${manifest.id}' returns masks`);
        checkMasks(result.masks, names, shapes);
        masks = result.masks;
      }
    } catch (e) {
      if (e instanceof StageError) throw e;
      throw new StageError(e instanceof MethodResultError ? 'check' : 'prune', `${manifest.id}: ${(e as Error).message}`);
    }
    timings.pruneSeconds = seconds(pruneStart);
    const kept = countKept(masks, names);
    const achieved = 1 - kept / total;
    if (Math.abs(achieved - spec.sparsity) > SPARSITY_TOLERANCE) {
      throw new StageError(
        'check',
        `mask keeps ${kept} of ${total} weights: sparsity ${achieved.toFixed(5)}, target ${spec.sparsity} (tolerance ${SPARSITY_TOLERANCE})`,
      );
    }

    // 2. Controls, then the weights training starts from.
    if (spec.control === 'shuffled') masks = shuffleWithinLayers(masks, rng.fork('control:shuffled'));
    let epochs: number;
    const methodTrainedItself = manifest.when === 'during-training' || manifest.when === 'strong-ticket';
    if (spec.control === 'reinit') {
      network.setWeights(initialWeights(task.architecture, rng.fork('control:reinit')));
      epochs = manifest.when === 'strong-ticket' ? 0 : task.recipe.epochs;
    } else if (spec.control === 'shuffled' && methodTrainedItself) {
      network.setWeights(initWeights());
      epochs = manifest.when === 'strong-ticket' ? 0 : task.recipe.epochs;
    } else if (methodFineTuned && spec.control === null) {
      network.setWeights(methodFineTuned);
      epochs = 0;
    } else if (manifest.when === 'after-training') {
      epochs = task.recipe.fineTuneEpochs;
    } else if (methodTrainedItself) {
      epochs = 0;
    } else {
      epochs = task.recipe.epochs;
    }
    const strongTicketWeights = () => recycled?.weights ?? rescaled?.weights ?? initWeights();
    if (manifest.when === 'strong-ticket' && spec.control !== 'reinit') network.setWeights(strongTicketWeights());
    if (rescaled && spec.control !== 'reinit') network.setWeights(rescaled.weights);
    network.setMasks(masks);

    // Strong-ticket score: the mask on the task's initial weights (recycled or rescaled, if the method did so), before any training.
    let strongTicketScore: number | null = null;
    if (data.planted) {
      const probe = MaskedNetwork.fromWeights(task.architecture, strongTicketWeights());
      probe.setMasks(masks);
      strongTicketScore = plantedScore(task, probe, data.splits.test);
      probe.dispose();
    }

    // 3. Training with the mask enforced after every step.
    const trainStart = performance.now();
    onStage('train');
    let training: TrainingResult | null = null;
    if (epochs > 0) {
      try {
        training = trainNetwork({
          network,
          train: data.splits.train,
          validation: data.splits.validation,
          recipe: task.recipe,
          epochs,
          rng: rng.fork('train:sparse'),
        });
      } catch (e) {
        throw new StageError('train', (e as Error).message);
      }
    }
    timings.trainSeconds = seconds(trainStart);

    // 4. The harness counts sparsity itself and evaluates on the test split.
    const evalStart = performance.now();
    onStage('evaluate');
    const { metrics } = evaluateOnTest({
      task,
      network,
      test: data.splits.test,
      targetSparsity: spec.sparsity,
      dense: dense.summary,
      training,
    });
    if (Math.abs(metrics.sparsity.global - spec.sparsity) > SPARSITY_TOLERANCE) {
      throw new StageError(
        'check',
        `measured sparsity ${metrics.sparsity.global.toFixed(5)} misses target ${spec.sparsity} by more than ${SPARSITY_TOLERANCE * 100} percentage points`,
      );
    }
    if ((metrics.accuracy !== null && !Number.isFinite(metrics.accuracy)) || !Number.isFinite(metrics.loss)) {
      throw new StageError('evaluate', `non-finite test metrics (loss ${metrics.loss})`);
    }
    const record = baseRecord(spec, ctx, method.sourceHash);
    record.metrics = metrics;
    record.dense = { recordId: dense.recordId, ...dense.summary };
    if (recycled) record.recycling = recycled.summary;
    if (rescaled) record.rescaling = rescaled.summary;
    if (data.planted) {
      record.planted = plantedMetrics({
        task,
        finalMask: network.getMasks(),
        truthMask: data.planted.truthMask,
        names,
        strongTicketScore,
        weakTicketScore: epochs > 0 ? plantedScore(task, network, data.splits.test) : strongTicketScore,
        plantedScore: data.planted.plantedScore,
        plantedDensity: data.planted.plantedDensity,
      });
    }
    timings.evaluateSeconds = seconds(evalStart);
    timings.totalSeconds = seconds(started);
    record.timings = timings;
    if (trunk) record.trunk = trunk;
    return record;
  } catch (e) {
    const stage = e instanceof StageError ? e.stage : 'evaluate';
    const record = failedRecord(spec, ctx, stage, (e as Error).message, method.sourceHash, seconds(started));
    record.timings = { ...timings, totalSeconds: seconds(started) };
    return record;
  } finally {
    network.dispose();
  }
}
