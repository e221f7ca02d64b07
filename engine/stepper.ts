/**
 * What the training loop drives: one optimiser step at a time. Its own module, so that the loop
 * (train.ts) and the whole-step trainer (whole-step.ts) both depend on it and not on each other.
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface StepInfo {
  step: number;
  epoch: number;
  /** Fraction of the run completed after this step, in (0, 1]. */
  progress: number;
  totalSteps: number;
  /** Gradients of the loss for this step, by variable name; valid only during the hook. */
  gradients: Record<string, tf.Tensor>;
}

/** One optimiser step at a time, over rows of the training set. */
export interface TrainingStepper {
  /** One step on the rows `rows`; returns the batch's loss when `wantLoss`, else null. */
  step(rows: Int32Array, learningRate: number, position: StepPosition, wantLoss: boolean): number | null;
  /** Makes the network's variables current (before validation and snapshots). */
  sync(): void;
  dispose(): void;
}

export type StepPosition = Omit<StepInfo, 'gradients'>;
