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

export interface AggregatableRecord {
  schemaVersion: 1;
  id: string;
  job: {
    protocol: string;
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
  } | null;
  dense: { recordId: string; accuracy: number | null; mse: number | null } | null;
  planted: {
    metric: 'accuracy' | 'mse';
    recovery: RecoveryMetrics;
    strongTicketScore: number | null;
    weakTicketScore: number | null;
    plantedScore: number;
    plantedDensity: number;
  } | null;
  provenance: { date: string; gitCommit: string | null };
}
