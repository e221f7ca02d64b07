/**
 * The part of a result record (results/schema/record.schema.json) that aggregation and the site
 * read. Declared here, structurally, so the aggregation and the site depend on the schema's shape
 * and not on the store or the engine; every schema-valid record satisfies it.
 */

import type { Control } from '../../api/task-api.ts';

export type { Control };
export type TaskKind = 'classification' | 'regression';

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  confidence: number | null;
  accuracy: number | null;
}

export interface RecoveryMetrics {
  precision: number;
  recall: number;
  jaccard: number;
}

/** What a record says about the cost of running its network (docs/protocol.md, Inference). */
export interface InferenceSummary {
  /** Multiply–adds per sample: of the compacted network (neuron/filter), else of the non-zero weights. */
  macs: number;
  denseMacs: number;
  acceleration: 'compacted' | 'none';
  statement: string;
  /** Neuron/filter: measured samples per second of the dense and the compacted network, and their ratio. */
  throughput: {
    /** Absent in records made before the clock was recorded (elapsed time). */
    clock?: 'process-cpu' | 'wall';
    batchSize: number;
    passes: number;
    warmupPasses: number;
    denseSamplesPerSecond: number;
    compactedSamplesPerSecond: number;
    speedup: number;
  } | null;
}

export interface AggregatableRecord {
  schemaVersion: 1;
  id: string;
  job: {
    protocol: string;
    /** Absent on records of protocol 1, which predate engine versions. */
    engine?: string;
    task: { id: string; version: string };
    method: { id: string; version: string; hyperparameters: Record<string, number | string | boolean> } | null;
    control: Control | null;
    sparsity: number;
    seed: number;
    structure?: { kind: 'neuron' | 'filter' } | { kind: 'n:m'; n: number; m: number };
  };
  status: 'ok' | 'failed';
  failure: { stage: string; reason: string } | null;
  metrics: {
    taskKind: TaskKind;
    accuracy: number | null;
    mse: number | null;
    loss: number;
    retention: number | null;
    calibration: { ece: number; mce: number; nll: number; brier: number; bins: CalibrationBin[] } | null;
    disparateImpact: {
      groupBy: 'class' | 'attribute';
      maxPsi: number | null;
      psiRange: number | null;
      worstGroupAccuracy: number;
    } | null;
    sparsity: { target: number; global: number };
    parameters: { total: number; prunable: number; remaining: number };
    flops: { dense: number; sparse: number };
    /** Neuron and filter jobs: units removed from the layers the structure may shrink. */
    units?: { removed: number; total: number; fraction: number };
    /** Absent in records made before it existed. */
    inference?: InferenceSummary;
  } | null;
  dense: { recordId: string; accuracy: number | null; mse: number | null } | null;
  planted: {
    metric: 'accuracy' | 'mse';
    recovery: RecoveryMetrics;
    /** Neuron jobs: the hidden units kept against the planted ticket's units. */
    unitRecovery?: RecoveryMetrics;
    strongTicketScore: number | null;
    weakTicketScore: number | null;
    plantedScore: number;
    plantedDensity: number;
  } | null;
  /** Where the record was made; the site names the backends throughput was measured on. */
  environment?: { backend: string; threads: number };
  provenance: { date: string; gitCommit: string | null };
}
