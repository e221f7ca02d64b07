import type { TrainingRecipe } from '../engine/recipe.ts';

/**
 * LeNet recipes after Frankle & Carbin 2019 (Adam, lr 1.2e-3, batch 60), with fewer epochs so the
 * leaderboard grid runs on a CPU. Model selection on validation only.
 */
export const lenetRecipe: TrainingRecipe = {
  optimizer: 'adam',
  learningRate: 1.2e-3,
  batchSize: 60,
  epochs: 8,
  fineTuneEpochs: 3,
  schedule: { kind: 'constant' },
  selectBestEpoch: true,
};

/** Conv-4 on CIFAR-10 (Frankle & Carbin 2019: Adam 2e-4, batch 60), shortened. */
export const conv4Recipe: TrainingRecipe = {
  optimizer: 'adam',
  learningRate: 2e-4,
  batchSize: 60,
  epochs: 10,
  fineTuneEpochs: 3,
  schedule: { kind: 'constant' },
  selectBestEpoch: true,
};

/** Short recipes for the smoke and quick suites. */
export function shortened(recipe: TrainingRecipe, epochs: number, fineTuneEpochs: number): TrainingRecipe {
  return { ...recipe, epochs, fineTuneEpochs };
}
