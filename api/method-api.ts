/**
 * The contract between the harness and a pruning method (CONTRIBUTING.md; docs/protocol.md, How a method is run). A method folder
 * `methods/<id>/` holds `manifest.json` and `index.ts`, whose exported `prune(ctx)` returns
 * saliency scores or explicit masks. Methods import only this module, the method kit (api/method-kit/)
 * and @tensorflow/tfjs-core (tests/layering.ts and the sandbox enforce it).
 */
import type * as tfcore from '@tensorflow/tfjs-core';
import type { ParameterInfo } from '../engine/architecture.ts';
import type { Batch } from '../engine/batches.ts';
import type { TrainingRecipe } from '../engine/recipe.ts';
import type { Rng } from '../engine/rng.ts';
import type { StepInfo, TrainingResult } from '../engine/train.ts';
import type { MaskMap, TaskKind, WeightMap } from '../engine/types.ts';

export type { Batch, MaskMap, ParameterInfo, Rng, StepInfo, TaskKind, TrainingRecipe, TrainingResult, WeightMap };

/**
 * The sparsity structure of a job (docs/protocol.md, Structures): `unstructured` (any mask), `n:m`
 * (N kept in every group of M consecutive weights along each kernel's input dimension), `neuron`
 * (whole hidden units of dense layers) or `filter` (whole output channels of convolutions), each
 * removed with the weights that read it. Output layers keep their units.
 */
export type Structure = { kind: 'unstructured' } | { kind: 'n:m'; n: number; m: number } | { kind: 'neuron' } | { kind: 'filter' };
export type StructureKind = Structure['kind'];

export type PruningTime = 'init' | 'after-training' | 'iterative' | 'during-training' | 'strong-ticket';
export type PruningScope = 'global' | 'layerwise';
export type HyperparameterValue = number | string | boolean;

/** An epoch count taken from the task's recipe. */
export type RecipeEpochs = 'recipe.epochs' | 'recipe.fineTuneEpochs';

/**
 * One hyperparameter as a manifest declares it: its type, the values it may take, its default
 * and a one-line help. The harness checks every job's value against it before the job starts.
 */
export type HyperparameterDeclaration = { help: string } & (
  | { type: 'number'; default: number; minimum?: number; maximum?: number; exclusiveMinimum?: number; exclusiveMaximum?: number }
  | { type: 'integer'; default: number; minimum?: number; maximum?: number }
  | { type: 'boolean'; default: boolean }
  | { type: 'string'; default: string; choices: string[] }
  /** A positive integer, or an epoch count of the task's recipe. */
  | { type: 'epochs'; default: number | RecipeEpochs }
);

export interface PaperReference {
  title: string;
  authors: string;
  year: number;
  url: string;
  bibtex: string;
}

/**
 * Another method made of the same code: it differs from the manifest declaring it in when it
 * prunes, its scope and/or its hyperparameters' defaults, and has its own id, name and paper.
 */
export interface MethodVariant {
  id: string;
  name: string;
  description: string;
  when?: PruningTime;
  scope?: PruningScope;
  defaults?: Record<string, HyperparameterValue>;
  choices?: string;
  paper?: PaperReference;
  reinit?: boolean;
}

/** What a method declares about itself: `methods/<id>/manifest.json` (results/schema/manifest.schema.json). */
export interface MethodManifest {
  id: string;
  name: string;
  version: string;
  description: string;
  when: PruningTime;
  scope: PruningScope;
  needs: Array<'data' | 'labels' | 'gradients' | 'training'>;
  output?: 'scores' | 'masks';
  hyperparameters: Record<string, HyperparameterDeclaration>;
  choices?: string;
  paper?: PaperReference;
  /** Declared in the file of the method whose code they share. */
  variants?: MethodVariant[];
  /** Set by the registry on a variant's manifest: the id of the method folder holding its code. */
  variantOf?: string;
  /**
   * The method prunes along a round schedule the harness knows (see TrunkSchedule), the same for
   * every target up to the target's last round: the harness keeps the state after each full round
   * (a trunk level) and starts the job's next sparsities, or a resumed run, from the deepest one.
   */
  trunk?: TrunkSchedule;
  /** The structures the method can prune to (default: unstructured only); jobs of any other are refused when planned. */
  structures?: StructureKind[];
  /** The task kinds the method applies to (default: both); jobs on tasks of any other kind are left out when planned. */
  taskKinds?: TaskKind[];
  /**
   * The harness re-initialises the network after the method's mask and trains it from scratch for
   * the recipe's epochs, as under the `reinit` control (e.g. neuron-reinit, Liu et al. 2019's
   * control for structured pruning). Such a method takes no further controls.
   */
  reinit?: boolean;
}

/**
 * 'iterative-magnitude': the rounds of `api/method-kit/iterative-magnitude.ts` (hyperparameters
 * scope, rate, outputLayerRate), one `ctx.train` per round.
 */
export type TrunkSchedule = 'iterative-magnitude';

/**
 * A trunk method's access to the shared levels (`ctx.trunk`, null for other methods). The harness
 * saves and restores the network (weights, masks), the named checkpoints and its own training
 * counters; the method adds only the arrays of its own bookkeeping.
 */
export interface TrunkAccess {
  /**
   * The level this job starts from, with the arrays the method gave when it reached it; the
   * network, checkpoints and counters are already as they were then. Null: start at round 0.
   */
  readonly start: { level: number; arrays: WeightMap } | null;
  /**
   * Reports that full round `level` (1 = the first) is done and the network is as the next round
   * starts. The harness checks the masks against its schedule and keeps the level. Await it: from
   * the sandbox the level reaches the harness only while the method's process is not computing.
   * Draws from ctx.rng are not part of a level, so a trunk method must not make any.
   */
  reached(level: number, arrays: WeightMap): Promise<void>;
}

/** Read-only view of the network being pruned. */
export interface NetworkView {
  readonly parameters: readonly ParameterInfo[];
  readonly prunableNames: readonly string[];
  /** Copies of current parameter values (pruned weights are 0). */
  getWeights(names?: string[]): WeightMap;
  /** Copies of the current masks (all ones where nothing is pruned yet). */
  getMasks(): MaskMap;
}

export interface PruneTarget {
  /** Fraction of prunable weights to remove, e.g. 0.9. */
  sparsity: number;
  scope: PruningScope;
  /** Prunable weights to keep in total: totalPrunable − round(sparsity · totalPrunable). */
  keepCount: number;
  totalPrunable: number;
  /**
   * `neuron` and `filter` jobs: the layers whose units may be removed (dense hidden layers or
   * convolutions before the output layer), each with its unit count and how many it keeps,
   * units − round(sparsity · units): `sparsity` is then the fraction of units removed in every
   * such layer. Absent for other structures.
   */
  units?: ReadonlyArray<{ name: string; units: number; keep: number }>;
}

export interface TrainOptions {
  /** Epochs of the task's recipe to run (default: the recipe's full training epochs). */
  epochs?: number;
  /** Stop after this many optimiser steps. */
  steps?: number;
  /** Called after each step (masks are already re-applied); may call ctx.setMasks. */
  afterStep?: (info: StepInfo) => void;
  /**
   * The method's loss of one batch instead of the task's (e.g. a Lagrangian), from the network's
   * outputs on the batch (`batch.groups` where the task has protected groups). The harness keeps
   * its optimiser, schedule, weight decay, masks and validation-accuracy epoch selection; a loss
   * that is not a finite scalar fails the job.
   */
  loss?: (outputs: tfcore.Tensor, batch: Batch) => tfcore.Scalar;
  /**
   * The tensors the forward pass uses in place of the prunable kernels, as a differentiable
   * function of them (e.g. SR-STE: the N:M-masked kernels, with a custom straight-through
   * gradient). Training and the validation that picks the epoch run through it; the network's
   * stored weights stay dense, as the optimiser leaves them. Each tensor must have its kernel's shape.
   */
  forwardWeights?: (kernels: Readonly<Record<string, tfcore.Tensor>>) => Record<string, tfcore.Tensor>;
}

export interface OptimizeOptions {
  /** Variables the method owns (e.g. edge-popup scores); the network's weights are not touched. */
  variables: Record<string, tfcore.Variable>;
  loss: (batch: Batch) => tfcore.Scalar;
  epochs?: number;
  steps?: number;
  /** Overrides of the task recipe for this loop (optimizer, learning rate, …). */
  recipe?: Partial<TrainingRecipe>;
  afterStep?: (info: StepInfo) => void;
}

export interface PruneContext {
  readonly network: NetworkView;
  readonly target: PruneTarget;
  /** The job's sparsity structure: what the returned scores or masks must make of the network. */
  readonly structure: Structure;
  /**
   * The job's effective hyperparameters: the manifest's defaults merged with the suite's and the
   * command line's overrides, each checked against its declaration before the job started. Read
   * them through `api/method-kit/hyperparameters.ts` for typed values.
   */
  readonly hyperparameters: Readonly<Record<string, HyperparameterValue>>;
  /** Seeded generator for the method's own randomness. */
  readonly rng: Rng;
  readonly taskKind: TaskKind;
  readonly recipe: Readonly<TrainingRecipe>;
  /** The tfjs-core API, for methods that build differentiable expressions. */
  readonly tf: typeof tfcore;
  /** Shared trunk levels, for methods whose manifest declares a `trunk` schedule; else null. */
  readonly trunk: TrunkAccess | null;

  /** Seeded batches of the training split (never the test split). Caller disposes batch tensors. */
  trainBatches(count: number, batchSize?: number): Generator<Batch>;
  /** Seeded batches of the validation split. */
  validationBatches(count: number, batchSize?: number): Generator<Batch>;
  /** Outputs (logits or regression outputs) with current masks; `override` swaps parameter tensors by name. */
  forward(x: tfcore.Tensor, override?: Partial<Record<string, tfcore.Tensor>>): tfcore.Tensor;
  /** The task's mean loss (cross-entropy on logits, or MSE). */
  loss(outputs: tfcore.Tensor, targets: tfcore.Tensor2D): tfcore.Scalar;
  /** Gradient of the mean loss on a batch with respect to each prunable weight (current masks applied). */
  gradients(batch: Batch): WeightMap;

  /** Installs masks on the network (pruned weights become exactly 0). Not for one-shot methods' results: return those. */
  setMasks(masks: MaskMap): void;
  /** Saves the current weights under a name. A checkpoint 'init' (weights at initialisation) always exists. */
  checkpoint(name: string): void;
  /** Restores the weights saved under a name (masks stay as they are and are re-applied). */
  rewind(name: string): void;
  /** Trains the network's weights with the harness's own loop and the task recipe; validation picks the epoch. */
  train(options?: TrainOptions): TrainingResult;
  /** Runs the harness's loop on the method's own variables (weights stay frozen). */
  optimize(options: OptimizeOptions): TrainingResult;
}

/**
 * Saliency scores (higher = keep) or explicit binary masks, by prunable parameter name; for
 * `neuron` and `filter` jobs instead `unitScores`: for every layer of `target.units`, one score per
 * output unit (higher = keep), from which the harness keeps `keep` units per layer. Under `n:m`
 * per-weight scores keep the N highest of every group of M.
 * `recycledWeights` (strong-ticket methods only, e.g. weight recycling): new values for some
 * prunable layers, each value one of that same layer's initial values; the harness refuses the
 * result otherwise and evaluates the mask on these weights instead of the initial ones.
 * `scaleFactors` (init methods only, e.g. the rescaling of SNIP-SR): for some prunable layers one
 * positive factor per output unit (the kernel's last dimension), each in [1e-3, 1e3]; the harness
 * multiplies each unit's initial weights by its factor before training and refuses anything else.
 * `fineTuned` (after-training methods only, with masks, e.g. ceag): the method has fine-tuned the
 * masked network itself with `ctx.train` (under its own loss); the harness keeps the weights
 * prune() leaves instead of fine-tuning them again, and refuses it if ctx.train was never called.
 */
export type PruneResult = ({ scores: WeightMap } | { masks: MaskMap } | { unitScores: WeightMap }) & {
  recycledWeights?: WeightMap;
  scaleFactors?: WeightMap;
  fineTuned?: boolean;
};

/** A method's code: the `prune` its index.ts exports, called once per job with that job's context. */
export type PruneFunction = (ctx: PruneContext) => Promise<PruneResult> | PruneResult;
