import * as tf from '@tensorflow/tfjs-core';
import type { MaskedNetwork } from '../../engine/network.ts';
import type { Dataset, MaskMap, TaskKind, WeightMap } from '../../engine/types.ts';
import type { Rng } from '../../engine/rng.ts';
import type { TrainingRecipe } from '../../engine/recipe.ts';
import { sampleBatches, type Batch } from '../../engine/batches.ts';
import { taskLoss } from '../../engine/loss.ts';
import { runTrainingLoop, tapeStepper, trainNetwork } from '../../engine/train.ts';
import type { HyperparameterValue, PruneContext, PruneTarget, Structure } from '../../api/method-api.ts';
import { checkMasks } from './mask-selection.ts';
import { copiedArrays, type TrunkHost } from './trunk-level.ts';

export interface PruneContextOptions {
  network: MaskedNetwork;
  /** Train and validation splits only: the test split never reaches a method. */
  train: Dataset;
  validation: Dataset;
  recipe: TrainingRecipe;
  target: PruneTarget;
  /** The job's structure (unstructured unless the job says otherwise). */
  structure?: Structure;
  hyperparameters: Record<string, HyperparameterValue>;
  rng: Rng;
  taskKind: TaskKind;
  /** Strong-ticket methods may not train weights. */
  allowWeightTraining: boolean;
  /** For methods whose manifest declares a trunk schedule: the level to start from and where levels go. */
  trunk?: TrunkHost;
  /** Called on every ctx.train (the harness counts a job's trainings). */
  onTrain?: () => void;
}

export function createPruneContext(opts: PruneContextOptions): PruneContext {
  const { network, recipe, rng } = opts;
  const checkpoints = new Map<string, WeightMap>([['init', network.getWeights()]]);
  const dataRng = rng.fork('data');
  const trainRng = rng.fork('train');
  let batchStreams = 0;
  let trainCalls = 0;
  const prunable = network.prunableNames;
  const start = opts.trunk?.start ?? null;
  if (start) {
    network.setMasks(start.masks);
    network.setWeights(start.weights);
    for (const [name, weights] of Object.entries(start.checkpoints)) checkpoints.set(name, weights);
    ({ trainCalls, batchStreams } = start.counters);
  }
  const trunk = opts.trunk
    ? {
        start: start && { level: start.level, arrays: copiedArrays(start.arrays) },
        reached: async (level: number, arrays: WeightMap) => {
          if (!Number.isInteger(level) || level < 1) throw new Error(`trunk: level must be a positive integer, got ${level}`);
          await opts.trunk!.onLevel({
            level,
            weights: network.getWeights(),
            masks: network.getMasks(),
            checkpoints: Object.fromEntries(
              [...checkpoints]
                .filter(([name]) => name !== 'init')
                .map(([name, w]) => [name, Object.fromEntries(Object.entries(w).map(([p, a]) => [p, a.slice()]))]),
            ),
            counters: { trainCalls, batchStreams },
            arrays: copiedArrays(arrays),
          });
        },
      }
    : null;

  const gradients = (batch: Batch): WeightMap => {
    const vars = prunable.map((n) => network.variable(n));
    const { value, grads } = tf.variableGrads(() => taskLoss(opts.taskKind, network.forward(batch.x), batch.y), vars);
    value.dispose();
    const out: WeightMap = {};
    for (const n of prunable) {
      out[n] = grads[network.variable(n).name].dataSync().slice() as Float32Array;
    }
    for (const g of Object.values(grads)) g.dispose();
    return out;
  };

  const view = {
    get parameters() {
      return network.parameters;
    },
    get prunableNames() {
      return prunable;
    },
    getWeights: (names?: string[]) => network.getWeights(names),
    getMasks: () => network.getMasks(),
  };

  return {
    network: view,
    target: opts.target,
    structure: Object.freeze({ ...(opts.structure ?? { kind: 'unstructured' }) }),
    hyperparameters: Object.freeze({ ...opts.hyperparameters }),
    rng: rng.fork('method'),
    taskKind: opts.taskKind,
    recipe: Object.freeze({ ...recipe }),
    tf,
    trunk,
    trainBatches: (count, batchSize = recipe.batchSize) =>
      sampleBatches(opts.train, batchSize, count, dataRng.fork(`train:${batchStreams++}`)),
    validationBatches: (count, batchSize = recipe.batchSize) =>
      sampleBatches(opts.validation, batchSize, count, dataRng.fork(`validation:${batchStreams++}`)),
    forward: (x, override) => network.forward(x, override),
    loss: (outputs, targets) => taskLoss(opts.taskKind, outputs, targets),
    gradients,
    setMasks: (masks: MaskMap) => {
      checkMasks(masks, prunable, network.shapes);
      network.setMasks(masks);
    },
    checkpoint: (name) => {
      checkpoints.set(name, network.getWeights());
    },
    rewind: (name) => {
      const saved = checkpoints.get(name);
      if (!saved) throw new Error(`rewind: no checkpoint named '${name}' (have: ${[...checkpoints.keys()].join(', ')})`);
      network.setWeights(saved);
    },
    train: (options = {}) => {
      if (!opts.allowWeightTraining) throw new Error('train: a strong-ticket method may not train the weights');
      opts.onTrain?.();
      return trainNetwork({
        network,
        train: opts.train,
        validation: opts.validation,
        recipe,
        epochs: options.epochs ?? recipe.epochs,
        maxSteps: options.steps,
        rng: trainRng.fork(`call:${trainCalls++}`),
        afterStep: options.afterStep,
        loss: options.loss,
        forwardWeights: options.forwardWeights,
      });
    },
    optimize: (options) => {
      const merged: TrainingRecipe = { ...recipe, selectBestEpoch: false, patience: undefined, ...options.recipe };
      return runTrainingLoop({
        stepper: tapeStepper({
          variables: options.variables,
          loss: options.loss,
          train: opts.train,
          recipe: merged,
          afterStep: options.afterStep,
        }),
        train: opts.train,
        recipe: merged,
        epochs: options.epochs ?? merged.epochs,
        maxSteps: options.steps,
        rng: trainRng.fork(`optimize:${trainCalls++}`),
      });
    },
  };
}
