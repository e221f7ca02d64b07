/**
 * Test helper: schema-valid result records from a few numbers, for aggregation tests, site tests,
 * the site benchmark and synthetic sites. Not used by production code paths.
 */
import { denseSpecFor, jobId } from '../jobs/spec.ts';
import type { AggregatableRecord, CalibrationBin, Control, TaskKind } from '../aggregate/aggregatable-record.ts';

export interface RecordOptions {
  task?: string;
  taskVersion?: string;
  /** Job versions; default protocol 1 (no engine version). */
  protocol?: string;
  engine?: string;
  /** Null makes a dense reference run (sparsity 0, no retention, no dense block). */
  method?: string | null;
  methodVersion?: string;
  hyperparameters?: Record<string, number | string | boolean>;
  control?: Control | null;
  sparsity?: number;
  seed?: number;
  status?: 'ok' | 'failed';
  failureReason?: string;
  kind?: TaskKind;
  accuracy?: number;
  denseAccuracy?: number;
  mse?: number;
  denseMse?: number;
  ece?: number;
  nll?: number;
  brier?: number;
  maxPsi?: number | null;
  psiRange?: number | null;
  worstGroupAccuracy?: number;
  /** Gives the record a planted block. */
  planted?: { precision: number; recall: number; jaccard: number; density: number; plantedScore?: number };
  /** A structured job: for neuron/filter `sparsity` is the unit ratio; an N:M job's sparsity defaults to 1 − N/M. */
  structure?: { kind: 'neuron' | 'filter' } | { kind: 'n:m'; n: number; m: number };
  /** metrics.inference.macs; default: the remaining weights. Given or structured, the record carries metrics.inference. */
  macs?: number;
  /** Neuron/filter: the measured speed-up (default 1 / (1 − sparsity)²). */
  speedup?: number;
  /** Neuron jobs on planted tasks: planted.unitRecovery (needs `planted`). */
  unitRecovery?: { precision: number; recall: number; jaccard: number };
  prunableParameters?: number;
  date?: string;
}

/** Full schema shape (every required field), typed as what aggregation reads. */
export type FactoryRecord = AggregatableRecord & Record<string, unknown>;

const BIN_COUNT = 15;

export function makeRecord(o: RecordOptions = {}): FactoryRecord {
  const method = o.method === undefined ? 'magnitude-global' : o.method;
  const dense = method === null;
  const structure = dense ? undefined : o.structure;
  const sparsity = dense ? 0 : (o.sparsity ?? (structure?.kind === 'n:m' ? 1 - structure.n / structure.m : 0.9));
  const kind = o.kind ?? 'classification';
  const classification = kind === 'classification';
  const denseAccuracy = o.denseAccuracy ?? 0.98;
  const accuracy = dense ? denseAccuracy : (o.accuracy ?? 0.95);
  const denseMse = o.denseMse ?? 0.01;
  const mse = dense ? denseMse : (o.mse ?? 0.02);
  const prunable = o.prunableParameters ?? 266_200;
  const remaining = Math.round(prunable * (1 - sparsity));
  const failed = o.status === 'failed';
  const job = {
    protocol: o.protocol ?? '1',
    ...(o.engine !== undefined ? { engine: o.engine } : {}),
    task: { id: o.task ?? 'mnist-lenet300', version: o.taskVersion ?? '1' },
    method: dense ? null : { id: method, version: o.methodVersion ?? '1.0.0', hyperparameters: o.hyperparameters ?? {} },
    control: dense ? null : (o.control ?? null),
    sparsity,
    seed: o.seed ?? 0,
    ...(structure ? { structure } : {}),
  };
  const worst = o.worstGroupAccuracy ?? Math.max(0, accuracy - 0.05);
  const metrics = {
    taskKind: kind,
    accuracy: classification ? accuracy : null,
    mse: classification ? null : mse,
    loss: classification ? (o.nll ?? 0.1) : mse,
    retention: dense ? null : classification ? accuracy / denseAccuracy : denseMse / mse,
    calibration: classification
      ? {
          ece: o.ece ?? 0.02,
          mce: Math.min(1, (o.ece ?? 0.02) * 3),
          nll: o.nll ?? 0.1,
          brier: o.brier ?? 0.05,
          bins: calibrationBins(accuracy),
        }
      : null,
    disparateImpact: classification
      ? {
          groupBy: 'class' as const,
          groups: [
            { group: 0, count: 50, accuracy, denseAccuracy: dense ? null : denseAccuracy, psi: dense ? null : 0 },
            { group: 1, count: 50, accuracy: worst, denseAccuracy: dense ? null : denseAccuracy, psi: dense ? null : 0 },
          ],
          maxPsi: dense ? null : o.maxPsi === undefined ? 0.01 : o.maxPsi,
          psiRange: dense ? null : o.psiRange === undefined ? 0.02 : o.psiRange,
          worstGroupAccuracy: worst,
        }
      : null,
    sparsity: { target: sparsity, global: sparsity, layers: [{ name: 'dense_1', total: prunable, zeros: prunable - remaining, sparsity }] },
    parameters: { total: prunable + 410, prunable, remaining },
    flops: { dense: prunable, sparse: remaining },
    training: { epochs: 3, selectedEpoch: 2 },
    ...(structure?.kind === 'neuron' || structure?.kind === 'filter' ? { units: unitMetrics(sparsity) } : {}),
    ...(structure || o.macs !== undefined
      ? { inference: inferenceMetrics(structure, sparsity, o.macs ?? remaining, prunable, o.speedup) }
      : {}),
  };
  const recovery = o.planted ? { precision: o.planted.precision, recall: o.planted.recall, jaccard: o.planted.jaccard } : null;
  const record = {
    schemaVersion: 1 as const,
    id: jobId(job),
    job,
    status: failed ? ('failed' as const) : ('ok' as const),
    failure: failed ? { stage: 'train' as const, reason: o.failureReason ?? 'loss became NaN' } : null,
    metrics: failed ? null : metrics,
    dense: dense
      ? null
      : {
          recordId: jobId(denseSpecFor(job)),
          accuracy: classification ? denseAccuracy : null,
          mse: classification ? null : denseMse,
          groupAccuracies: null,
        },
    planted:
      o.planted && recovery && !failed
        ? {
            metric: classification ? ('accuracy' as const) : ('mse' as const),
            recovery,
            ...(o.unitRecovery
              ? { unitRecovery: { ...o.unitRecovery, layers: [{ name: 'dense_1', units: 100, kept: 50, planted: 10, ...o.unitRecovery }] } }
              : {}),
            layers: [{ name: 'dense_1', ...recovery }],
            strongTicketScore: null,
            weakTicketScore: classification ? accuracy : mse,
            plantedScore: o.planted.plantedScore ?? (classification ? 0.99 : 0.001),
            plantedDensity: o.planted.density,
          }
        : null,
    environment: {
      node: 'v20.0.0',
      tfjs: '4.22.0',
      backend: 'wasm',
      threads: 1,
      platform: 'linux',
      arch: 'x64',
      cpu: 'test cpu',
      gpu: null,
    },
    provenance: {
      prunebenchVersion: '0.1.0',
      gitCommit: null,
      gitDirty: null,
      date: o.date ?? '2025-01-01T00:00:00.000Z',
      methodSourceHash: null,
    },
    timings: { pruneSeconds: 1, trainSeconds: 2, evaluateSeconds: 0.5, totalSeconds: 3.5 },
  };
  return record as FactoryRecord;
}

/** One removable layer of 100 units at the unit ratio. */
function unitMetrics(ratio: number) {
  const removed = Math.round(ratio * 100);
  return { removed, total: 100, fraction: removed / 100, layers: [{ name: 'dense_1/kernel', units: 100, kept: 100 - removed }] };
}

function inferenceMetrics(structure: RecordOptions['structure'], ratio: number, macs: number, denseMacs: number, speedup?: number) {
  if (structure?.kind === 'neuron' || structure?.kind === 'filter') {
    const measured = speedup ?? 1 / (1 - ratio) ** 2;
    return {
      macs,
      denseMacs,
      acceleration: 'compacted' as const,
      statement: 'units removed: the compacted dense network runs on every backend',
      compaction: {
        layers: [{ name: 'dense_1', before: 100, after: 100 - Math.round(ratio * 100) }],
        checkedSamples: 256,
        maxRelativeDifference: 0,
        tolerance: 1e-4,
      },
      throughput: {
        batchSize: 256,
        passes: 15,
        warmupPasses: 3,
        denseSamplesPerSecond: 10_000,
        compactedSamplesPerSecond: 10_000 * measured,
        speedup: measured,
      },
    };
  }
  return {
    macs,
    denseMacs,
    acceleration: 'none' as const,
    statement: 'no backend here accelerates this sparsity: MACs count non-zero weights only',
    compaction: null,
    throughput: null,
  };
}

/** Fifteen equal-width bins with the predictions piled near the accuracy, slightly over-confident. */
function calibrationBins(accuracy: number): CalibrationBin[] {
  const bins: CalibrationBin[] = [];
  const home = Math.min(BIN_COUNT - 1, Math.floor(accuracy * BIN_COUNT));
  for (let i = 0; i < BIN_COUNT; i++) {
    const lower = i / BIN_COUNT;
    const upper = (i + 1) / BIN_COUNT;
    const distance = Math.abs(i - home);
    const count = distance === 0 ? 80 : distance === 1 ? 15 : distance === 2 ? 5 : 0;
    const confidence = count ? (lower + upper) / 2 : null;
    bins.push({ lower, upper, count, confidence, accuracy: confidence === null ? null : Math.max(0, confidence - 0.03) });
  }
  return bins;
}
