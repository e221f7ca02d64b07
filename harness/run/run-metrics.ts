import type { MaskedNetwork } from '../../engine/network.ts';
import { predict } from '../../engine/predict.ts';
import type { Dataset, MaskMap } from '../../engine/types.ts';
import {
  accuracy,
  calibration,
  denseAndSparseMacs,
  disparateImpact,
  groupAccuracies,
  maskRecovery,
  meanSquaredError,
  measureSparsity,
  parameterCounts,
  predictedClasses,
  rescaleOutputs,
  unitRecovery,
  type DenseKernel,
} from '../../engine/metrics/index.ts';
import type { TaskDefinition } from '../../api/task-api.ts';
import type { GroupCount, PlantedMetrics, RunMetrics } from '../store/run-record.ts';
import type { TrainingResult } from '../../engine/train.ts';

export interface DenseSummary {
  accuracy: number | null;
  mse: number | null;
  groupAccuracies: GroupCount[] | null;
}

export interface Evaluation {
  metrics: RunMetrics;
  summary: DenseSummary;
}

/** Test-split metrics of a finished network (docs/protocol.md, Metrics). `dense` is null for the dense run itself. */
export function evaluateOnTest(opts: {
  task: TaskDefinition;
  network: MaskedNetwork;
  test: Dataset;
  targetSparsity: number;
  dense: DenseSummary | null;
  training: TrainingResult | null;
}): Evaluation {
  const { task, network, test } = opts;
  const outputs = predict(network, test);
  const weights = network.getWeights();
  const prunable = network.prunableNames;
  const sparsity = measureSparsity(weights, prunable, opts.targetSparsity);
  const macs = denseAndSparseMacs(network.parameters, weights);
  const common = {
    sparsity,
    parameters: parameterCounts(weights, prunable),
    flops: { dense: macs.dense, sparse: macs.sparse },
    training: { epochs: opts.training?.epochs.length ?? 0, selectedEpoch: opts.training?.selectedEpoch ?? 0 },
  };
  if (task.kind === 'regression') {
    const mse = meanSquaredError(outputs, test.y as Float32Array, test.outputSize);
    const retention = opts.dense?.mse != null ? (mse === 0 ? 1 : opts.dense.mse / mse) : null;
    return {
      metrics: { taskKind: 'regression', accuracy: null, mse, loss: mse, retention, calibration: null, disparateImpact: null, ...common },
      summary: { accuracy: null, mse, groupAccuracies: null },
    };
  }
  const labels = test.y as Int32Array;
  const k = test.outputSize;
  const predicted = predictedClasses(outputs, k);
  const acc = accuracy(predicted, labels);
  const cal = calibration(outputs, labels, k, 15);
  const groups = task.groupBy === 'attribute' && test.groups ? test.groups : labels;
  const perGroup = groupAccuracies(predicted, labels, groups);
  const di = disparateImpact(perGroup, opts.dense?.groupAccuracies ?? null, acc, opts.dense?.accuracy ?? null, task.groupBy);
  return {
    metrics: {
      taskKind: 'classification',
      accuracy: acc,
      mse: null,
      loss: cal.nll,
      retention: opts.dense?.accuracy != null ? (opts.dense.accuracy === 0 ? 0 : acc / opts.dense.accuracy) : null,
      calibration: cal,
      disparateImpact: di,
      ...common,
    },
    summary: { accuracy: acc, mse: null, groupAccuracies: perGroup },
  };
}

/**
 * Planted-ticket score of a network: accuracy, or MSE after per-output least-squares rescaling
 * (the planted ticket computes diag(scale)·f_target, so a found ticket is scored up to scale).
 */
export function plantedScore(task: TaskDefinition, network: MaskedNetwork, test: Dataset): number {
  const outputs = predict(network, test);
  if (task.kind === 'classification') return accuracy(predictedClasses(outputs, test.outputSize), test.y as Int32Array);
  const { rescaled } = rescaleOutputs(outputs, test.y as Float32Array, test.outputSize);
  return meanSquaredError(rescaled, test.y as Float32Array, test.outputSize);
}

export function plantedMetrics(opts: {
  task: TaskDefinition;
  finalMask: MaskMap;
  truthMask: MaskMap;
  names: readonly string[];
  strongTicketScore: number | null;
  weakTicketScore: number | null;
  plantedScore: number;
  plantedDensity: number;
  /** Neuron jobs: the dense kernels in forward order, for the recovery of the planted units. */
  unitKernels?: readonly DenseKernel[];
}): PlantedMetrics {
  const rec = maskRecovery(opts.finalMask, opts.truthMask, [...opts.names]);
  const units = opts.unitKernels ? unitRecovery(opts.finalMask, opts.truthMask, opts.unitKernels) : null;
  return {
    metric: opts.task.kind === 'classification' ? 'accuracy' : 'mse',
    recovery: { precision: rec.precision, recall: rec.recall, jaccard: rec.jaccard },
    ...(units ? { unitRecovery: units } : {}),
    layers: rec.layers.map((l: { name: string; precision: number; recall: number; jaccard: number }) => ({
      name: l.name,
      precision: l.precision,
      recall: l.recall,
      jaccard: l.jaccard,
    })),
    strongTicketScore: opts.strongTicketScore,
    weakTicketScore: opts.weakTicketScore,
    plantedScore: opts.plantedScore,
    plantedDensity: opts.plantedDensity,
  };
}
