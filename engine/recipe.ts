/** A training recipe: everything that decides how weights are trained. Part of a task's identity. */
export interface TrainingRecipe {
  optimizer: 'sgd' | 'momentum' | 'adam';
  learningRate: number;
  /** Momentum for 'momentum' (default 0.9). */
  momentum?: number;
  /** L2 penalty coefficient added to the loss as wd/2·‖θ‖² over kernels. */
  weightDecay?: number;
  batchSize: number;
  /** Epochs of full training (dense reference, training from initialisation). */
  epochs: number;
  /** Epochs of fine-tuning after one-shot pruning of a trained network. */
  fineTuneEpochs: number;
  schedule: LearningRateSchedule;
  /** Keep the weights of the epoch with the best validation score (model selection on validation only). */
  selectBestEpoch: boolean;
  /** Stop when validation has not improved for this many epochs (omit to always run all epochs). */
  patience?: number;
}

export type LearningRateSchedule = { kind: 'constant' } | { kind: 'step'; milestones: number[]; gamma: number } | { kind: 'cosine' };

/** Learning rate at a fractional epoch. */
export function learningRateAt(recipe: TrainingRecipe, epoch: number, totalEpochs: number): number {
  const s = recipe.schedule;
  switch (s.kind) {
    case 'constant':
      return recipe.learningRate;
    case 'step':
      return recipe.learningRate * Math.pow(s.gamma, s.milestones.filter((m) => epoch >= m).length);
    case 'cosine':
      return 0.5 * recipe.learningRate * (1 + Math.cos((Math.PI * Math.min(epoch, totalEpochs)) / Math.max(1, totalEpochs)));
  }
}
