import * as tf from '@tensorflow/tfjs-core';
import type { MaskedNetwork } from './network.ts';
import type { Dataset } from './types.ts';
import type { Rng } from './rng.ts';
import { type TrainingRecipe, learningRateAt } from './recipe.ts';
import { epochOrder, gatherBatch, taskKindOf, type Batch } from './batches.ts';
import { taskLoss } from './loss.ts';
import { quickScore } from './predict.ts';
import { FusedAdam, fusedAdamAvailable, registerFusedAdam } from './fused-adam.ts';
import { WholeStepTrainer } from './whole-step.ts';
import type { StepInfo, StepPosition, TrainingStepper } from './stepper.ts';

export type { StepInfo, StepPosition, TrainingStepper };

registerFusedAdam();

export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationAccuracy: number | null;
}

export interface TrainingResult {
  epochs: EpochRecord[];
  /** Epoch (1-based) whose weights were kept; 0 means the initial weights. */
  selectedEpoch: number;
  steps: number;
}

export interface TapeStepOptions {
  /** Variables the optimiser updates, by name. */
  variables: Record<string, tf.Variable>;
  /** Loss of one batch as a function of the variables. */
  loss: (batch: Batch) => tf.Scalar;
  train: Dataset;
  recipe: TrainingRecipe;
  /** Called after each optimiser step (mask re-application, during-training pruning). */
  afterStep?: (info: StepInfo) => void;
}

/** What the loop needs of an optimiser: tfjs's classes and FusedAdam both have it. */
type StepOptimizer = Pick<tf.Optimizer, 'applyGradients' | 'dispose'>;

function makeOptimizer(recipe: TrainingRecipe): StepOptimizer {
  switch (recipe.optimizer) {
    case 'sgd':
      return tf.train.sgd(recipe.learningRate);
    case 'momentum':
      return tf.train.momentum(recipe.learningRate, recipe.momentum ?? 0.9);
    case 'adam':
      return fusedAdamAvailable() ? new FusedAdam(recipe.learningRate) : tf.train.adam(recipe.learningRate);
  }
}

function setLearningRate(optimizer: StepOptimizer, lr: number): void {
  // tfjs's optimizer classes override instanceof (any optimizer passes), so test for the method itself.
  const sgdLike = optimizer as unknown as { setLearningRate?: (lr: number) => void; learningRate: number };
  if (typeof sgdLike.setLearningRate === 'function') sgdLike.setLearningRate(lr);
  else sgdLike.learningRate = lr;
}

/** Steps through tfjs's engine: the loss differentiated on its tape, then the optimiser and the hook. */
export function tapeStepper(opts: TapeStepOptions): TrainingStepper {
  const optimizer = makeOptimizer(opts.recipe);
  const names = Object.keys(opts.variables);
  const varList = names.map((n) => opts.variables[n]);
  const nameOfVariable = new Map(names.map((n) => [opts.variables[n].name, n]));
  return {
    step(rows, learningRate, position, wantLoss) {
      setLearningRate(optimizer, learningRate);
      const batch = gatherBatch(opts.train, rows);
      const { value, grads } = tf.variableGrads(() => opts.loss(batch), varList);
      optimizer.applyGradients(grads);
      if (opts.afterStep) {
        const byName = Object.fromEntries(Object.entries(grads).map(([varName, g]) => [nameOfVariable.get(varName) ?? varName, g]));
        opts.afterStep({ ...position, gradients: byName });
      }
      const loss = wantLoss ? value.dataSync()[0] : null;
      value.dispose();
      for (const g of Object.values(grads)) g.dispose();
      batch.x.dispose();
      batch.y.dispose();
      return loss;
    },
    sync() {},
    dispose() {
      optimizer.dispose();
    },
  };
}

export interface LoopOptions {
  stepper: TrainingStepper;
  train: Dataset;
  recipe: TrainingRecipe;
  epochs: number;
  rng: Rng;
  /** Validation score after each epoch; higher is better. Enables best-epoch selection and patience. */
  validate?: () => { score: number; loss: number; accuracy: number | null };
  /** Read/write of the variables' values, for restoring the best epoch. */
  snapshot?: () => unknown;
  restore?: (state: unknown) => void;
  /** Stop after this many steps (tests, fixed-budget methods). */
  maxSteps?: number;
}

/**
 * The one training loop of PruneBench. Seeded shuffling per epoch, learning-rate schedule,
 * the batch loss every 50 steps, model selection on validation only. Disposes the stepper.
 */
export function runTrainingLoop(opts: LoopOptions): TrainingResult {
  const { recipe, train, epochs, stepper } = opts;
  const batchesPerEpoch = Math.ceil(train.n / recipe.batchSize);
  const totalSteps = Math.min(opts.maxSteps ?? Infinity, epochs * batchesPerEpoch);
  const history: EpochRecord[] = [];
  let step = 0;
  let bestScore = -Infinity;
  let bestState: unknown = null;
  let selectedEpoch = 0;
  let sinceBest = 0;

  try {
    if (opts.validate && recipe.selectBestEpoch && opts.snapshot) {
      bestScore = opts.validate().score;
      bestState = opts.snapshot();
    }

    for (let epoch = 0; epoch < epochs && step < totalSteps; epoch++) {
      const shuffle = opts.rng.fork(`epoch:${epoch}`);
      let lossSum = 0;
      let lossCount = 0;
      for (const rows of epochOrder(train.n, recipe.batchSize, shuffle)) {
        if (step >= totalSteps) break;
        const learningRate = learningRateAt(recipe, epoch + (step % batchesPerEpoch) / batchesPerEpoch, epochs);
        step++;
        const wantLoss = step % 50 === 0 || step === totalSteps;
        const loss = stepper.step(rows, learningRate, { step, epoch, progress: step / totalSteps, totalSteps }, wantLoss);
        if (loss !== null) {
          lossSum += loss;
          lossCount++;
        }
      }
      stepper.sync();
      const record: EpochRecord = {
        epoch: epoch + 1,
        trainLoss: lossCount ? lossSum / lossCount : NaN,
        validationLoss: NaN,
        validationAccuracy: null,
      };
      if (opts.validate) {
        const v = opts.validate();
        record.validationLoss = v.loss;
        record.validationAccuracy = v.accuracy;
        if (v.score > bestScore) {
          bestScore = v.score;
          selectedEpoch = epoch + 1;
          sinceBest = 0;
          if (recipe.selectBestEpoch && opts.snapshot) bestState = opts.snapshot();
        } else sinceBest++;
      } else selectedEpoch = epoch + 1;
      history.push(record);
      if (recipe.patience !== undefined && sinceBest >= recipe.patience) break;
    }
  } finally {
    stepper.dispose();
  }
  if (recipe.selectBestEpoch && opts.restore && bestState !== null && selectedEpoch !== history.length) opts.restore(bestState);
  else if (!recipe.selectBestEpoch) selectedEpoch = history.length;
  return { epochs: history, selectedEpoch, steps: step };
}

export interface TrainNetworkOptions {
  network: MaskedNetwork;
  train: Dataset;
  validation?: Dataset;
  recipe: TrainingRecipe;
  epochs: number;
  rng: Rng;
  afterStep?: (info: StepInfo) => void;
  maxSteps?: number;
  /**
   * A method's loss of one batch in place of the task's loss (weight decay is still added).
   * Anything but a finite scalar stops training with an error naming it.
   */
  loss?: MethodLoss;
  /**
   * The tensors the forward pass uses in place of the prunable kernels, as a differentiable
   * function of them (e.g. SR-STE's N:M-masked kernels with a straight-through gradient): training
   * and validation (epoch selection) run the network through it; the stored kernels stay what the
   * optimiser makes them. Each returned tensor must have its kernel's shape.
   */
  forwardWeights?: ForwardWeights;
  /** Names of variables to train (default: all). Edge-popup-like methods freeze weights this way. */
  trainable?: string[];
  /**
   * How a step runs; bit-identical either way (tests compare them). 'whole-step' (default): the
   * whole step as direct kernel calls (engine/whole-step.ts) where it applies — a dense-only
   * network, Adam without weight decay, no afterStep hook, all variables trained — and 'fused-ops'
   * elsewhere; 'fused-ops': through the engine's tape with the fused dense layers and loss;
   * 'plain': tfjs's own ops throughout.
   */
  engine?: 'whole-step' | 'fused-ops' | 'plain';
}

/** Which step trainNetwork takes for these options (tests check that the whole step is used where it applies). */
export function trainingEngineFor(opts: TrainNetworkOptions): 'whole-step' | 'fused-ops' | 'plain' {
  const wanted = opts.engine ?? 'whole-step';
  if (wanted !== 'whole-step') return wanted;
  const applies =
    !opts.afterStep && !opts.trainable && !opts.loss && !opts.forwardWeights && WholeStepTrainer.supports(opts.network, opts.recipe);
  return applies ? 'whole-step' : 'fused-ops';
}

/** See TrainNetworkOptions.forwardWeights. */
export type ForwardWeights = (kernels: Readonly<Record<string, tf.Tensor>>) => Record<string, tf.Tensor>;

/** The override of the forward pass that forwardWeights gives, checked: every prunable kernel, each of its shape. */
function forwardOverride(network: MaskedNetwork, forwardWeights: ForwardWeights): Record<string, tf.Tensor> {
  const names = network.prunableNames;
  // Identities, not the variables themselves: the function may read the kernels, never assign them.
  const replaced = forwardWeights(Object.fromEntries(names.map((n) => [n, tf.clone(network.variable(n))])));
  for (const name of names) {
    const t = replaced?.[name];
    if (!(t instanceof tf.Tensor)) throw new Error(`forwardWeights must return a tensor for every prunable kernel; '${name}' is missing`);
    const shape = network.variable(name).shape;
    if (t.shape.join(',') !== shape.join(','))
      throw new Error(`forwardWeights returned shape [${t.shape.join(', ')}] for '${name}', whose shape is [${shape.join(', ')}]`);
  }
  return Object.fromEntries(names.map((n) => [n, replaced[n]]));
}

/** A method's loss of one training batch, given the network's outputs on it (see TrainNetworkOptions.loss). */
export type MethodLoss = (outputs: tf.Tensor, batch: Batch) => tf.Scalar;

/** The method's loss, refused unless it is a finite scalar (reading it costs one sync per step). */
function checkedMethodLoss(methodLoss: MethodLoss, outputs: tf.Tensor, batch: Batch): tf.Scalar {
  const value = methodLoss(outputs, batch) as unknown;
  if (!(value instanceof tf.Tensor) || value.rank !== 0) {
    const what = value instanceof tf.Tensor ? `a tensor of shape [${value.shape.join(', ')}]` : typeof value;
    throw new Error(`the method's training loss must be a scalar tensor, got ${what}`);
  }
  const loss = value.dataSync()[0];
  if (!Number.isFinite(loss)) throw new Error(`the method's training loss is not finite (${loss})`);
  return value as tf.Scalar;
}

/** Trains a masked network's weights; masks are re-applied after every step. */
export function trainNetwork(opts: TrainNetworkOptions): TrainingResult {
  const { network, recipe } = opts;
  const kind = taskKindOf(opts.train);
  const names = opts.trainable ?? [...network.variables.keys()];
  const variables = Object.fromEntries(names.map((n) => [n, network.variable(n)]));
  const kernels = network.parameters.filter((p) => p.role === 'kernel').map((p) => network.variable(p.name));
  const wd = recipe.weightDecay ?? 0;
  const engine = trainingEngineFor(opts);
  const fused = engine !== 'plain';
  const stepper =
    engine === 'whole-step'
      ? new WholeStepTrainer(network, opts.train, kind)
      : tapeStepper({
          variables,
          train: opts.train,
          recipe,
          loss: (batch) => {
            const override = opts.forwardWeights ? forwardOverride(network, opts.forwardWeights) : undefined;
            const outputs = network.forward(batch.x, override, { fusedDense: fused });
            const base = opts.loss ? checkedMethodLoss(opts.loss, outputs, batch) : taskLoss(kind, outputs, batch.y, { fused });
            if (wd === 0) return base;
            return tf.add(base, tf.mul(wd / 2, tf.addN(kernels.map((k) => tf.sum(tf.square(k)))))) as tf.Scalar;
          },
          afterStep: (info) => {
            network.applyMasks();
            opts.afterStep?.(info);
          },
        });
  return runTrainingLoop({
    stepper,
    train: opts.train,
    recipe,
    epochs: opts.epochs,
    rng: opts.rng,
    maxSteps: opts.maxSteps,
    validate: opts.validation
      ? () => {
          const s = quickScore(
            network,
            opts.validation!,
            opts.forwardWeights ? () => forwardOverride(network, opts.forwardWeights!) : undefined,
          );
          return { score: s.accuracy ?? -s.loss, loss: s.loss, accuracy: s.accuracy };
        }
      : undefined,
    snapshot: () => network.getWeights(),
    restore: (state) => network.setWeights(state as Record<string, Float32Array>),
  });
}
