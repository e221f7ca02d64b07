import type { MaskMap, PruneContext, PruneResult, StepInfo, WeightMap } from '../../api/method-api.ts';
import { largestMask } from '../../api/method-kit/largest-mask.ts';
import { cubicRamp } from '../../api/method-kit/gradual.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';

/**
 * Movement pruning (Sanh et al. 2020), hard top-k variant. From the trained dense network, trains
 * on with the harness's loop while accumulating the movement score S = −Σ_t (∂L/∂W)_t ⊙ W_t of
 * every prunable weight, and after each step masks every layer to the top-k of S with the paper's
 * cubic sparsity schedule (warm-up dense, then cubic, then a cool-down at the target). Returns S:
 * the harness keeps each layer's top n − round(s·n) scores.
 */
export function prune(ctx: PruneContext): PruneResult {
  const settings = readSettings(ctx);
  const names = [...ctx.network.prunableNames];
  // W_t is the value before step t's update: the weights the step's gradient was taken at.
  let weightsBeforeStep = ctx.network.getWeights(names);
  const scores: WeightMap = Object.fromEntries(names.map((name) => [name, new Float32Array(weightsBeforeStep[name].length)]));

  ctx.train({
    epochs: settings.epochs,
    afterStep: (info: StepInfo) => {
      for (const name of names) accumulateMovement(scores[name], info.gradients[name].dataSync(), weightsBeforeStep[name]);
      const sparsity = movementSparsity(
        info.step,
        info.totalSteps,
        ctx.target.sparsity,
        Math.round(settings.initialWarmupFraction * info.totalSteps),
        Math.round(settings.finalWarmupFraction * info.totalSteps),
      );
      if (sparsity > 0) ctx.setMasks(topScoreMasks(scores, names, sparsity));
      weightsBeforeStep = ctx.network.getWeights(names);
    },
  });
  return { scores };
}

/** S ← S − g ⊙ W. */
export function accumulateMovement(scores: Float32Array, gradient: ArrayLike<number>, weights: ArrayLike<number>): void {
  for (let i = 0; i < scores.length; i++) scores[i] -= gradient[i] * weights[i];
}

/**
 * Sparsity at a step (1-based) of Sanh et al.'s schedule: 0 for the first `initialWarmup` steps,
 * s_f for the last `finalWarmup`, and s_f·(1 − (1 − p)³) in between, p the fraction of that span done.
 */
export function movementSparsity(
  step: number,
  totalSteps: number,
  finalSparsity: number,
  initialWarmup: number,
  finalWarmup: number,
): number {
  if (step <= initialWarmup) return 0;
  if (step > totalSteps - finalWarmup) return finalSparsity;
  const progress = (step - initialWarmup) / (totalSteps - initialWarmup - finalWarmup);
  return cubicRamp(progress, 0, finalSparsity);
}

/** Each layer keeps its n − round(s·n) highest scores, pruned weights included (the paper's Top_v(S)). */
export function topScoreMasks(scores: WeightMap, names: string[], sparsity: number): MaskMap {
  return Object.fromEntries(
    names.map((name) => [name, largestMask(scores[name], scores[name].length - Math.round(sparsity * scores[name].length))]),
  );
}

interface Settings {
  epochs: number;
  initialWarmupFraction: number;
  finalWarmupFraction: number;
}

function readSettings(ctx: PruneContext): Settings {
  const h = hyperparameters(ctx);
  const initialWarmupFraction = h.number('initialWarmupFraction');
  const finalWarmupFraction = h.number('finalWarmupFraction');
  // The manifest bounds each fraction; their sum is a relation between two values.
  if (initialWarmupFraction + finalWarmupFraction >= 1) {
    throw new Error(
      `movement: hyperparameters initialWarmupFraction and finalWarmupFraction must sum below 1, got ${initialWarmupFraction} and ${finalWarmupFraction}`,
    );
  }
  return { epochs: h.epochs('epochs'), initialWarmupFraction, finalWarmupFraction };
}
