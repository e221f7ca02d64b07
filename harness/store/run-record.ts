import type { JobSpec } from '../jobs/spec.ts';
import type { RecyclingSummary } from '../prune/recycled-weights.ts';
import type { RescalingSummary } from '../prune/scale-factors.ts';

export interface GroupCount {
  group: number;
  count: number;
  accuracy: number;
}

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  confidence: number | null;
  accuracy: number | null;
}

export interface RunMetrics {
  taskKind: 'classification' | 'regression';
  accuracy: number | null;
  mse: number | null;
  loss: number;
  retention: number | null;
  calibration: { ece: number; mce: number; nll: number; brier: number; bins: CalibrationBin[] } | null;
  disparateImpact: {
    groupBy: 'class' | 'attribute';
    groups: Array<{ group: number; count: number; accuracy: number; denseAccuracy: number | null; psi: number | null }>;
    maxPsi: number | null;
    psiRange: number | null;
    worstGroupAccuracy: number;
  } | null;
  sparsity: { target: number; global: number; layers: Array<{ name: string; total: number; zeros: number; sparsity: number }> };
  parameters: { total: number; prunable: number; remaining: number };
  flops: { dense: number; sparse: number };
  training: { epochs: number; selectedEpoch: number };
  /** Neuron and filter jobs: the units removed from the layers the structure may shrink (absent otherwise). */
  units?: UnitMetrics;
  /** What the network costs to run (absent in records made before it existed). */
  inference?: InferenceMetrics;
}

export interface UnitMetrics {
  removed: number;
  total: number;
  fraction: number;
  layers: Array<{ name: string; units: number; kept: number }>;
}

export interface InferenceMetrics {
  /** Multiply–adds per sample: of the compacted network (neuron/filter), else of the non-zero weights. */
  macs: number;
  denseMacs: number;
  /** 'compacted': the pruned network really is a smaller dense one; 'none': no backend here runs it faster. */
  acceleration: 'compacted' | 'none';
  statement: string;
  /** Neuron/filter: the layers shrunk and the check that the compacted network computes the masked one's outputs. */
  compaction: {
    layers: Array<{ name: string; before: number; after: number }>;
    checkedSamples: number;
    maxRelativeDifference: number;
    tolerance: number;
  } | null;
  /** Neuron/filter: measured on the record's backend, each network's fastest pass after a warm-up; not reproducible bit for bit (verify skips it). */
  throughput: {
    clock?: 'process-cpu' | 'wall';
    batchSize: number;
    passes: number;
    warmupPasses: number;
    denseSamplesPerSecond: number;
    compactedSamplesPerSecond: number;
    speedup: number;
  } | null;
}

export interface Recovery {
  precision: number;
  recall: number;
  jaccard: number;
}

export interface PlantedMetrics {
  metric: 'accuracy' | 'mse';
  recovery: Recovery;
  /** Neuron jobs: the hidden units kept against the planted ticket's units, pooled and per layer. */
  unitRecovery?: Recovery & { layers: Array<{ name: string; units: number; kept: number; planted: number } & Recovery> };
  layers: Array<{ name: string } & Recovery>;
  strongTicketScore: number | null;
  weakTicketScore: number | null;
  plantedScore: number;
  plantedDensity: number;
}

export interface RunRecord {
  schemaVersion: 1;
  id: string;
  job: JobSpec;
  status: 'ok' | 'failed';
  failure: { stage: 'setup' | 'prune' | 'check' | 'train' | 'evaluate' | 'time-out'; reason: string } | null;
  metrics: RunMetrics | null;
  dense: { recordId: string; accuracy: number | null; mse: number | null; groupAccuracies: GroupCount[] | null } | null;
  planted: PlantedMetrics | null;
  /** Strong-ticket weight recycling: absent unless the method returned recycled weights. */
  recycling?: RecyclingSummary;
  /** Init-method rescaling: absent unless the method returned scale factors; the factors applied, per layer and output unit. */
  rescaling?: RescalingSummary;
  environment: {
    node: string;
    tfjs: string;
    backend: string;
    threads: number;
    platform: string;
    arch: string;
    cpu: string;
    gpu: string | null;
    /** How the method's process was isolated (absent in records older than the isolation levels). */
    isolation?: { level: 'full' | 'reduced'; mechanisms: string[] };
  };
  provenance: {
    prunebenchVersion: string;
    gitCommit: string | null;
    gitDirty: boolean | null;
    date: string;
    methodSourceHash: string | null;
  };
  timings: { pruneSeconds: number; trainSeconds: number; evaluateSeconds: number; totalSeconds: number };
  /**
   * Jobs of trunk methods (manifest `trunk`): the trunk level its last round started from, the
   * level it found stored and started from (0: none) and the trainings its prune() ran. Absent in
   * other records and in records older than the shared trunk.
   */
  trunk?: { level: number; reusedLevel: number; rounds: number };
}
