/**
 * The contract between the harness and the task/suite definitions in suites/ and planted/.
 */
import type { ArchitectureSpec } from '../engine/architecture.ts';
import type { TrainingRecipe } from '../engine/recipe.ts';
import type { MaskMap, Splits, TaskKind, WeightMap } from '../engine/types.ts';

export type TaskFamily = 'mnist' | 'fashion-mnist' | 'cifar10' | 'planted';

/** What a planted-ticket task knows about its hidden ticket. */
export interface PlantedTruth {
  /** Ground-truth mask over the prunable weights (kernels). */
  truthMask: MaskMap;
  plantedDensity: number;
  /** The planted ticket's own test score (accuracy or MSE after per-output rescaling). */
  plantedScore: number;
}

export interface TaskData {
  splits: Splits;
  /** Initial weights that belong to the task (planted tasks: the mother network with its ticket). */
  initialWeights?: WeightMap;
  planted?: PlantedTruth;
}

/** How much data a task trains and tests on, for readers (the site and docs state it next to every number). */
export interface TaskScale {
  /** Training examples (after validation is carved out). */
  train: number;
  validation: number;
  test: number;
  /** 'images' for image datasets, 'samples' for generated data. */
  unit: 'images' | 'samples';
  /** The dataset the examples are drawn from, e.g. "MNIST" or "generated (planted Circle)". */
  source: string;
}

export interface TaskDefinition {
  id: string;
  /** Bumped whenever anything that changes numbers changes. */
  version: string;
  family: TaskFamily;
  description: string;
  kind: TaskKind;
  architecture: ArchitectureSpec;
  recipe: TrainingRecipe;
  /** Train / validation / test sizes; optional so test fixtures need not state one (every registered task does). */
  scale?: TaskScale;
  /** Which parameters are prunable, in words (docs/protocol.md, Sparsity). */
  prunableStatement: string;
  /** Groups for disparate impact: class labels or the data's protected attribute. */
  groupBy: 'class' | 'attribute';
  /** Wall-clock budget for one job (pruning, training, evaluation); past it the job is killed and recorded as failed. */
  jobBudgetSeconds: number;
  /** Null when the task can run here; otherwise why not and how to make it possible. */
  unavailableReason(): string | null;
  load(seed: number): Promise<TaskData>;
}

export type Control = 'shuffled' | 'reinit' | 'inverted';

export interface SuiteDefinition {
  id: string;
  version: string;
  description: string;
  tasks: string[];
  /**
   * Method ids; 'all' for every registered method; 'score-returning' for every registered method
   * whose prune() returns scores (those every control applies to, `inverted` included).
   */
  methods: string[] | 'all' | 'score-returning';
  sparsities: number[];
  /** Sparsities one task runs at besides `sparsities`, by task id (e.g. a planted ticket's own density). */
  taskSparsities?: Record<string, number[]>;
  seeds: number[];
  /**
   * Sparsity structures of the jobs (default ['unstructured']): 'unstructured', 'neuron', 'filter'
   * or 'N:M'. neuron/filter jobs take `sparsities` as the fraction of units removed per layer; an
   * N:M job's sparsity is 1 − N/M. Each method runs on the structures its manifest declares.
   */
  structures?: string[];
  /** Per task id, the structures that task runs instead of `structures`. */
  taskStructures?: Record<string, string[]>;
  /** Controls applied to every method of the suite (none by default). */
  controls?: Control[];
  /** Hyperparameter values replacing a method's defaults, by method id then name. Part of the job identity. */
  hyperparameters?: Record<string, Record<string, number | string | boolean>>;
}
