import { MaskedNetwork, initialWeights } from '../../engine/network.ts';
import { Rng } from '../../engine/rng.ts';
import { trainNetwork, type TrainingResult } from '../../engine/train.ts';
import type { MaskMap, WeightMap } from '../../engine/types.ts';
import { jobId, denseSpecFor, structureOf, type JobSpec } from '../jobs/spec.ts';
import type { MethodManifest, Structure } from '../../api/method-api.ts';
import { checkJobHyperparameters } from '../jobs/hyperparameters.ts';
import { checkMasks, checkScores, countKept, masksFromScores, MethodResultError } from '../prune/mask-selection.ts';
import { keptUnits, kernelLayouts, structureLabel, structureProblems, type KernelLayout } from '../prune/structure.ts';
import {
  masksFromUnitScores,
  nmMasksFromScores,
  shuffleStructured,
  unitCountProblems,
  unitTargets,
} from '../prune/structured-mask-selection.ts';
import { CompactionMismatch, inferenceMetrics } from './inference.ts';
import { applyRecycledWeights, type RecyclingSummary } from '../prune/recycled-weights.ts';
import { applyScaleFactors, type RescalingSummary } from '../prune/scale-factors.ts';
import type { Pruner } from '../prune/run-prune.ts';
import type { RunRecord, UnitMetrics } from '../store/run-record.ts';
import type { Control, TaskData, TaskDefinition } from '../../api/task-api.ts';
import { evaluateOnTest, plantedMetrics, plantedScore, type DenseSummary } from './run-metrics.ts';
import { trainingPlan, type StartingWeights } from './training-plan.ts';

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
    metrics.inference = inferenceMetrics({
      network,
      structure: { kind: 'unstructured' },
      test: data.splits.test,
      flops: metrics.flops,
      dense: true,
    });
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

type UnitStructure = Extract<Structure, { kind: 'neuron' | 'filter' }>;
const isUnitStructure = (s: Structure): s is UnitStructure => s.kind === 'neuron' || s.kind === 'filter';

/**
 * The masks of a prune() result under the job's structure: unit scores cut layer-wise (neuron,
 * filter), per-weight scores cut into N:M groups or by the unstructured rule, or the method's masks.
 */
function masksOfResult(result: Record<string, unknown>, job: SparseJob): MaskMap {
  const { spec, structure, layouts, names, shapes } = job;
  const { manifest } = job.method;
  const inverted = spec.control === 'inverted';
  if ('unitScores' in result) {
    if (!isUnitStructure(structure))
      throw new MethodResultError(`unitScores are for neuron and filter jobs; this job's structure is ${structureLabel(structure)}`);
    const unitScores = result.unitScores as WeightMap;
    return masksFromUnitScores(
      inverted && unitScores && typeof unitScores === 'object' ? negateScores(unitScores) : unitScores,
      layouts,
      structure,
      spec.sparsity,
      spec.seed,
    );
  }
  if ('scores' in result) {
    if (isUnitStructure(structure))
      throw new MethodResultError(`a ${structure.kind} job takes unitScores (one score per unit) or masks, not per-weight scores`);
    const scores = inverted ? negateScores(result.scores as WeightMap) : (result.scores as WeightMap);
    if (structure.kind === 'n:m') {
      checkScores(scores, names, shapes);
      return nmMasksFromScores(scores, layouts, structure.n, structure.m, spec.seed);
    }
    return masksFromScores(scores, names, shapes, spec.sparsity, manifest.scope, spec.seed);
  }
  if (inverted) throw new StageError('setup', `control 'inverted' needs a method that returns scores; '${manifest.id}' returns masks`);
  checkMasks(result.masks as MaskMap, names, shapes);
  return result.masks as MaskMap;
}

/** Units removed from the layers a neuron/filter structure shrinks. */
function unitMetrics(masks: MaskMap, layouts: KernelLayout[], structure: UnitStructure, ratio: number): UnitMetrics {
  const layers = unitTargets(layouts, structure, ratio).map(({ name, units }) => ({
    name,
    units,
    kept: keptUnits(masks[name], layouts.find((l) => l.name === name)!.shape).reduce((a, b) => a + b, 0),
  }));
  const total = layers.reduce((s, l) => s + l.units, 0);
  const removed = layers.reduce((s, l) => s + l.units - l.kept, 0);
  return { removed, total, fraction: total ? removed / total : 0, layers };
}

/** Runs one pruning job end to end. Never throws for a method fault: returns a failed record instead. */
/** The stages of a sparse job that a worker reports as it enters them. */
export type SparseStage = 'prune' | 'train' | 'evaluate';

/** What prune() returned, checked, and what it leaves for the later steps. */
interface PruneOutcome {
  masks: MaskMap;
  /** The weights the method's process left (rewound, or trained during training). */
  methodWeights: WeightMap;
  /** Strong-ticket weight recycling: the initial weights with the method's checked replacements. */
  recycled: { weights: WeightMap; summary: RecyclingSummary } | null;
  /** Init-method rescaling: the initial weights with the method's checked per-unit factors applied. */
  rescaled: { weights: WeightMap; summary: RescalingSummary } | null;
  /** An after-training method that fine-tuned the masked network itself: the weights it left. */
  methodFineTuned: WeightMap | null;
  trunk: RunRecord['trunk'];
}

/** The parts of a sparse job every step reads. */
interface SparseJob {
  spec: JobSpec & { method: NonNullable<JobSpec['method']> };
  task: TaskDefinition;
  data: TaskData;
  dense: DenseReference;
  method: LoadedMethod;
  rng: Rng;
  /** The task's initialisation for the seed, drawn on first use (its own Rng, so no other stream moves). */
  initWeights: () => WeightMap;
  names: string[];
  shapes: Record<string, number[]>;
  total: number;
  structure: Structure;
  layouts: KernelLayout[];
  /** The job's control, or `reinit` for a method whose manifest says reinit. */
  control: Control | null;
  /** The weight sparsity every valid mask of the job has: the target for unstructured jobs, what the structure leaves otherwise. */
  targetSparsity: number;
}

/**
 * Runs one pruning job end to end, as named steps: check the job, prune (the method decides the
 * mask, seeing train and validation data only), check the mask's sparsity, apply the control, set
 * the starting weights and epochs (trainingPlan), train with the mask enforced, evaluate and count
 * sparsity. Never throws for a method fault: returns a failed record instead.
 */
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
  let initial: WeightMap | null = null;
  const initWeights = () => (initial ??= initialWeightsFor(task, data, spec.seed));
  const startWeights = manifest.when === 'after-training' ? dense.weights : initWeights();
  const network = MaskedNetwork.fromWeights(task.architecture, startWeights);
  const timings = { pruneSeconds: 0, trainSeconds: 0, evaluateSeconds: 0, totalSeconds: 0 };
  try {
    const names = network.prunableNames;
    const job: SparseJob = {
      spec: spec as SparseJob['spec'],
      task,
      data,
      dense,
      method,
      rng: new Rng(spec.seed),
      initWeights,
      names,
      shapes: network.shapes,
      total: names.reduce((s, n) => s + network.variable(n).size, 0),
      structure: structureOf(spec),
      layouts: kernelLayouts(task.architecture),
      control: spec.control ?? (manifest.reinit ? 'reinit' : null),
      targetSparsity: spec.sparsity,
    };
    checkJobStep(job);

    const pruneStart = performance.now();
    onStage('prune');
    const pruned = await pruneStep(job, startWeights);
    timings.pruneSeconds = seconds(pruneStart);
    checkTargetSparsityStep(job, pruned.masks);

    const masks = controlStep(job, pruned.masks);
    const plan = trainingPlan({
      when: manifest.when,
      control: job.control,
      recipe: task.recipe,
      rescaled: pruned.rescaled !== null,
      methodFineTuned: pruned.methodFineTuned !== null,
    });
    network.setWeights(startingWeights(job, pruned, plan.start));
    network.setMasks(masks);
    const strongTicketScore = strongTicketScoreStep(job, pruned, masks);

    const trainStart = performance.now();
    onStage('train');
    const training = trainStep(job, network, plan.epochs);
    timings.trainSeconds = seconds(trainStart);

    const evalStart = performance.now();
    onStage('evaluate');
    const record = evaluateStep(job, network, ctx, pruned, { epochs: plan.epochs, training, strongTicketScore });
    timings.evaluateSeconds = seconds(evalStart);
    timings.totalSeconds = seconds(started);
    record.timings = timings;
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

function checkJobStep({ method, spec }: SparseJob): void {
  try {
    checkJobHyperparameters(method.manifest, spec.method.hyperparameters);
  } catch (e) {
    throw new StageError('setup', (e as Error).message);
  }
}

/** Calls prune() and checks what it returned; scores become masks by the harness's own cut. */
async function pruneStep(job: SparseJob, startWeights: WeightMap): Promise<PruneOutcome> {
  const { spec, task, data, method, names, shapes } = job;
  const { manifest } = method;
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
    if (!result || typeof result !== 'object' || (!('scores' in result) && !('masks' in result) && !('unitScores' in result))) {
      throw new MethodResultError(
        isUnitStructure(job.structure)
          ? `prune() must return { unitScores } or { masks } for a ${job.structure.kind} job`
          : 'prune() must return { scores } or { masks }',
      );
    }
    let recycled: PruneOutcome['recycled'] = null;
    if (result.recycledWeights !== undefined) {
      if (manifest.when !== 'strong-ticket')
        throw new MethodResultError(`only strong-ticket methods may return recycledWeights; '${manifest.id}' prunes '${manifest.when}'`);
      recycled = applyRecycledWeights(result.recycledWeights, job.initWeights(), names, shapes);
    }
    let rescaled: PruneOutcome['rescaled'] = null;
    if (result.scaleFactors !== undefined) {
      if (manifest.when !== 'init')
        throw new MethodResultError(`only init methods may return scaleFactors; '${manifest.id}' prunes '${manifest.when}'`);
      rescaled = applyScaleFactors(result.scaleFactors, job.initWeights(), names, shapes);
    }
    const methodFineTuned = result.fineTuned !== undefined ? checkedFineTuning(result, manifest, outcome.trainings, outcome.weights) : null;
    const masks = masksOfResult(result as Record<string, unknown>, job);
    return { masks, methodWeights: outcome.weights, recycled, rescaled, methodFineTuned, trunk: outcome.trunk };
  } catch (e) {
    if (e instanceof StageError) throw e;
    throw new StageError(e instanceof MethodResultError ? 'check' : 'prune', `${manifest.id}: ${(e as Error).message}`);
  }
}

/**
 * The harness's check of a mask: its structure (naming the layer and where it breaks), then the
 * count the structure and target ask for. Sets the job's weight-sparsity target.
 */
function checkTargetSparsityStep(job: SparseJob, masks: MaskMap): void {
  const { spec, names, total, structure, layouts } = job;
  const problems = structureProblems(structure, layouts, masks);
  if (isUnitStructure(structure) && problems.length === 0) problems.push(...unitCountProblems(layouts, structure, masks, spec.sparsity));
  if (problems.length) throw new StageError('check', `the mask breaks the ${structureLabel(structure)} structure: ${problems.join('; ')}`);
  if (structure.kind !== 'unstructured') {
    job.targetSparsity = 1 - countKept(masks, names) / total;
    return;
  }
  const kept = countKept(masks, names);
  const achieved = 1 - kept / total;
  if (Math.abs(achieved - spec.sparsity) > SPARSITY_TOLERANCE) {
    throw new StageError(
      'check',
      `mask keeps ${kept} of ${total} weights: sparsity ${achieved.toFixed(5)}, target ${spec.sparsity} (tolerance ${SPARSITY_TOLERANCE})`,
    );
  }
}

/**
 * The `shuffled` control permutes the mask within each layer (keeping a structured mask's
 * structure: kept units within each layer, kept positions within each N:M group); the other
 * controls act elsewhere.
 */
function controlStep({ spec, rng, layouts }: SparseJob, masks: MaskMap): MaskMap {
  if (spec.control !== 'shuffled') return masks;
  return spec.structure
    ? shuffleStructured(masks, layouts, spec.structure, rng.fork('control:shuffled'))
    : shuffleWithinLayers(masks, rng.fork('control:shuffled'));
}

/** The initial weights a strong ticket is scored on: recycled or rescaled if the method did so. */
function strongTicketWeights(job: SparseJob, pruned: PruneOutcome): WeightMap {
  return pruned.recycled?.weights ?? pruned.rescaled?.weights ?? job.initWeights();
}

function startingWeights(job: SparseJob, pruned: PruneOutcome, start: StartingWeights): WeightMap {
  switch (start) {
    case 'dense-trained':
      return job.dense.weights;
    case 'initial':
      return job.initWeights();
    case 'rescaled-initial':
      return pruned.rescaled!.weights;
    case 'method-left':
      return pruned.methodWeights;
    case 'method-fine-tuned':
      return pruned.methodFineTuned!;
    case 'strong-ticket':
      return strongTicketWeights(job, pruned);
    case 're-drawn':
      return initialWeights(job.task.architecture, job.rng.fork('control:reinit'));
  }
}

/** On planted tasks: the mask on the task's initial weights, before any training. */
function strongTicketScoreStep(job: SparseJob, pruned: PruneOutcome, masks: MaskMap): number | null {
  if (!job.data.planted) return null;
  const probe = MaskedNetwork.fromWeights(job.task.architecture, strongTicketWeights(job, pruned));
  try {
    probe.setMasks(masks);
    return plantedScore(job.task, probe, job.data.splits.test);
  } finally {
    probe.dispose();
  }
}

/** Training with the mask enforced after every step; null for 0 epochs. */
function trainStep({ task, data, rng }: SparseJob, network: MaskedNetwork, epochs: number): TrainingResult | null {
  if (epochs <= 0) return null;
  try {
    return trainNetwork({
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

/** The harness counts sparsity itself from the final weights and evaluates on the test split. */
function evaluateStep(
  job: SparseJob,
  network: MaskedNetwork,
  ctx: RecordContext,
  pruned: PruneOutcome,
  trained: { epochs: number; training: TrainingResult | null; strongTicketScore: number | null },
): RunRecord {
  const { spec, task, data, dense, method } = job;
  const { metrics } = evaluateOnTest({
    task,
    network,
    test: data.splits.test,
    targetSparsity: job.targetSparsity,
    dense: dense.summary,
    training: trained.training,
  });
  if (Math.abs(metrics.sparsity.global - job.targetSparsity) > SPARSITY_TOLERANCE) {
    throw new StageError(
      'check',
      `measured sparsity ${metrics.sparsity.global.toFixed(5)} misses target ${job.targetSparsity} by more than ${SPARSITY_TOLERANCE * 100} percentage points`,
    );
  }
  if (isUnitStructure(job.structure)) metrics.units = unitMetrics(network.getMasks(), job.layouts, job.structure, spec.sparsity);
  try {
    metrics.inference = inferenceMetrics({ network, structure: job.structure, test: data.splits.test, flops: metrics.flops, dense: false });
  } catch (e) {
    throw new StageError('evaluate', e instanceof CompactionMismatch ? `compaction check: ${e.message}` : (e as Error).message);
  }
  if ((metrics.accuracy !== null && !Number.isFinite(metrics.accuracy)) || !Number.isFinite(metrics.loss)) {
    throw new StageError('evaluate', `non-finite test metrics (loss ${metrics.loss})`);
  }
  const record = baseRecord(spec, ctx, method.sourceHash);
  record.metrics = metrics;
  record.dense = { recordId: dense.recordId, ...dense.summary };
  if (pruned.recycled) record.recycling = pruned.recycled.summary;
  if (pruned.rescaled) record.rescaling = pruned.rescaled.summary;
  if (data.planted) {
    record.planted = plantedMetrics({
      task,
      finalMask: network.getMasks(),
      truthMask: data.planted.truthMask,
      names: job.names,
      strongTicketScore: trained.strongTicketScore,
      weakTicketScore: trained.epochs > 0 ? plantedScore(task, network, data.splits.test) : trained.strongTicketScore,
      plantedScore: data.planted.plantedScore,
      plantedDensity: data.planted.plantedDensity,
      unitKernels: job.structure.kind === 'neuron' ? job.layouts : undefined,
    });
  }
  if (pruned.trunk) record.trunk = pruned.trunk;
  return record;
}
