import { plantedTaskDefinitions, generateFromDefinition, type PlantedTaskDefinition } from '../../planted/tasks.ts';
import { kernelsOnly } from '../../planted/generate.ts';
import { plantedTicketScore } from '../../planted/ticket-score.ts';
import { subsetOf } from '../../engine/batches.ts';
import { Rng } from '../../engine/rng.ts';
import type { TrainingRecipe } from '../../engine/recipe.ts';
import type { TaskDefinition, TaskScale } from '../../api/task-api.ts';

/** Validation is carved from the planted task's training split with this fixed seed. */
const VALIDATION_SEED = 5;
const VALIDATION_FRACTION = 0.1;

/** Plant 'n' Seek trains with Adam (lr 1e-3); epochs shortened for a CPU. */
const plantedRecipe: TrainingRecipe = {
  optimizer: 'adam',
  learningRate: 1e-3,
  batchSize: 64,
  epochs: 10,
  fineTuneEpochs: 5,
  schedule: { kind: 'constant' },
  selectBestEpoch: true,
};

function isTiny(def: PlantedTaskDefinition): boolean {
  return def.id.endsWith('-tiny');
}

/** The generator's train and test split sizes, with validation carved from train as load() does. */
function plantedScale(def: PlantedTaskDefinition, generatedTrain: number, test: number): TaskScale {
  const validation = Math.round(generatedTrain * VALIDATION_FRACTION);
  return { train: generatedTrain - validation, validation, test, unit: 'samples', source: `generated (planted ${def.target})` };
}

function plantedTask(def: PlantedTaskDefinition): TaskDefinition {
  const recipe = isTiny(def) ? { ...plantedRecipe, epochs: 3, fineTuneEpochs: 2 } : plantedRecipe;
  const generated0 = generateFromDefinition(def, 0);
  const architecture = generated0.architecture;
  return {
    id: def.id,
    version: def.version,
    family: 'planted',
    description: def.description,
    kind: def.kind,
    architecture,
    recipe,
    scale: plantedScale(def, generated0.splits.train.n, generated0.splits.test.n),
    prunableStatement: 'Every dense weight matrix; biases are not pruned (the planted biases are kept as drawn or planted).',
    groupBy: def.groupBy,
    jobBudgetSeconds: isTiny(def) ? 300 : 1800,
    unavailableReason: () => null,
    load: async (seed) => {
      const generated = generateFromDefinition(def, seed);
      const train = generated.splits.train;
      const order = new Rng(VALIDATION_SEED).permutation(train.n);
      const validationCount = Math.round(train.n * VALIDATION_FRACTION);
      return {
        splits: {
          train: subsetOf(train, order.subarray(validationCount)),
          validation: subsetOf(train, order.subarray(0, validationCount)),
          test: generated.splits.test,
        },
        initialWeights: generated.weights,
        planted: {
          truthMask: kernelsOnly(generated.truthMask),
          plantedDensity: generated.plantedDensity,
          plantedScore: plantedTicketScore(generated).score,
        },
      };
    },
  };
}

export function plantedTasks(): TaskDefinition[] {
  return plantedTaskDefinitions().map(plantedTask);
}
