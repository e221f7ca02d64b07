/**
 * Gradual pruning during the harness's training, shared by gmp-gradual, GraNet and movement pruning: the cubic
 * sparsity schedule of Zhu & Gupta (2017), s_k = s_f + (s_i − s_f)(1 − k/n)³ at steps t0 + kΔt,
 * its settings, and training that leaves the network with the weights of its last step (the
 * recipe's best-epoch selection could otherwise restore an epoch pruned less than the final mask).
 */
import type { PruneContext, StepInfo } from '../method-api.ts';
import { hyperparameters } from './hyperparameters.ts';

export interface CubicSchedule {
  initialSparsity: number;
  finalSparsity: number;
  /** First pruning step t0 as a fraction of the training steps. */
  startFraction: number;
  /** Last pruning step t0 + nΔt is the latest multiple of Δt not after this fraction of the steps. */
  endFraction: number;
  /** Δt in epochs. */
  intervalEpochs: number;
}

/** t0 = round(startFraction·T), Δt = max(1, round(intervalEpochs × steps per epoch)) and n on a run of T steps. */
export function cubicEventSteps(
  totalSteps: number,
  stepsPerEpoch: number,
  schedule: CubicSchedule,
): { start: number; interval: number; count: number } {
  const start = Math.round(schedule.startFraction * totalSteps);
  const interval = Math.max(1, Math.round(schedule.intervalEpochs * stepsPerEpoch));
  const count = Math.floor((Math.round(schedule.endFraction * totalSteps) - start) / interval);
  return { start, interval, count };
}

/** The cubic ramp s_f + (s_i − s_f)(1 − p)³ at progress p ∈ [0, 1] (Zhu & Gupta's schedule; movement pruning's with s_i = 0). */
export function cubicRamp(progress: number, initialSparsity: number, finalSparsity: number): number {
  return finalSparsity + (initialSparsity - finalSparsity) * (1 - progress) ** 3;
}

/** The sparsity of pruning event k of n (k ≤ n); with n = 0 the one event prunes straight to s_f. */
export function cubicSparsity(k: number, count: number, schedule: Pick<CubicSchedule, 'initialSparsity' | 'finalSparsity'>): number {
  const { initialSparsity, finalSparsity } = schedule;
  return count === 0 ? finalSparsity : cubicRamp(k / count, initialSparsity, finalSparsity);
}

/** The schedule's hyperparameters (initialSparsity, startFraction, endFraction, intervalEpochs) and the job's target, checked together. */
export function readCubicSchedule(ctx: Pick<PruneContext, 'hyperparameters' | 'recipe' | 'target'>, methodId: string): CubicSchedule {
  const h = hyperparameters(ctx);
  const initialSparsity = h.number('initialSparsity');
  const startFraction = h.number('startFraction');
  const endFraction = h.number('endFraction');
  const finalSparsity = ctx.target.sparsity;
  // The manifest bounds each value; these relations involve two values or the job's target.
  if (initialSparsity > finalSparsity)
    throw new Error(
      `${methodId}: hyperparameter initialSparsity must be at most the target sparsity ${finalSparsity}, got ${initialSparsity}`,
    );
  if (startFraction > endFraction)
    throw new Error(`${methodId}: hyperparameters need startFraction ≤ endFraction, got ${startFraction} and ${endFraction}`);
  return { initialSparsity, finalSparsity, startFraction, endFraction, intervalEpochs: h.number('intervalEpochs') };
}

/**
 * Trains `epochs` epochs with the harness's loop, calling `onStep` after every step (with the steps
 * per epoch), and leaves the network with the weights of the last training step.
 */
export function trainKeepingLastWeights(
  ctx: PruneContext,
  epochs: number,
  checkpointName: string,
  onStep: (info: StepInfo, stepsPerEpoch: number) => void,
): void {
  ctx.train({
    epochs,
    afterStep: (info: StepInfo) => {
      const stepsPerEpoch = info.totalSteps / epochs;
      onStep(info, stepsPerEpoch);
      if (info.step % stepsPerEpoch === 0 || info.step === info.totalSteps) ctx.checkpoint(checkpointName);
    },
  });
  ctx.rewind(checkpointName);
}
