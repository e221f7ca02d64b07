import type { MaskMap, PruneContext, PruneResult, StepInfo, WeightMap } from '../../harness/method-api.ts';
import { largestMask } from '../../harness/method-kit/largest-mask.ts';
import { hyperparameters } from '../../harness/method-kit/hyperparameters.ts';

const LAST_WEIGHTS = 'gmp-last-weights';

export interface PruningEvent {
  step: number;
  sparsity: number;
}

export interface ScheduleSettings {
  initialSparsity: number;
  finalSparsity: number;
  /** First pruning step t0 as a fraction of the training steps. */
  startFraction: number;
  /** Last pruning step t0 + nΔt is the latest multiple of Δt not after this fraction of the steps. */
  endFraction: number;
  /** Δt in epochs. */
  intervalEpochs: number;
}

/**
 * Gradual magnitude pruning (Zhu & Gupta 2017) during the harness's training: every layer's
 * sparsity follows s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³ at t = t0, t0 + Δt, …, t0 + nΔt,
 * each time removing the smallest-magnitude surviving weights of every layer; training then goes
 * on with the final mask. The network is left with the weights of the last training step.
 */
export function prune(ctx: PruneContext): PruneResult {
  const { epochs, ...schedule } = readSettings(ctx);
  const names = [...ctx.network.prunableNames];
  let events = null as PruningEvent[] | null;
  let next = 0;
  const pruneTo = (sparsity: number) => ctx.setMasks(layerwiseMagnitudeMasks(ctx.network.getWeights(names), ctx.network.getMasks(), names, sparsity));

  ctx.train({
    epochs,
    afterStep: (info: StepInfo) => {
      const stepsPerEpoch = info.totalSteps / epochs;
      events ??= pruningSchedule(info.totalSteps, stepsPerEpoch, schedule);
      // An event at step 0 takes effect after the first step: the step count is only known once training runs.
      while (next < events.length && events[next].step <= info.step) pruneTo(events[next++].sparsity);
      // The recipe's best-epoch selection may restore an epoch pruned less than the final mask; keep the last weights instead.
      if (info.step % stepsPerEpoch === 0 || info.step === info.totalSteps) ctx.checkpoint(LAST_WEIGHTS);
    },
  });
  ctx.rewind(LAST_WEIGHTS);
  // Early stopping can end training before the schedule does.
  if (!events || next < events.length) pruneTo(schedule.finalSparsity);
  return { masks: ctx.network.getMasks() };
}

/** The pruning steps and the sparsity each one prunes to; the last is exactly `finalSparsity`. */
export function pruningSchedule(totalSteps: number, stepsPerEpoch: number, settings: ScheduleSettings): PruningEvent[] {
  const { initialSparsity, finalSparsity } = settings;
  const start = Math.round(settings.startFraction * totalSteps);
  const interval = Math.max(1, Math.round(settings.intervalEpochs * stepsPerEpoch));
  const count = Math.floor((Math.round(settings.endFraction * totalSteps) - start) / interval);
  if (count === 0) return [{ step: start, sparsity: finalSparsity }];
  return Array.from({ length: count + 1 }, (_, k) => ({
    step: start + k * interval,
    sparsity: finalSparsity + (initialSparsity - finalSparsity) * (1 - k / count) ** 3,
  }));
}

/** Every layer keeps its n − round(s·n) largest surviving |θ| (never more than survive). */
export function layerwiseMagnitudeMasks(weights: WeightMap, masks: MaskMap, names: string[], sparsity: number): MaskMap {
  const out: MaskMap = {};
  for (const name of names) {
    const size = weights[name].length;
    const surviving = masks[name].reduce((a, b) => a + b, 0);
    out[name] = largestMask(weights[name].map(Math.abs), Math.min(surviving, size - Math.round(sparsity * size)), masks[name]);
  }
  return out;
}

function readSettings(ctx: PruneContext): ScheduleSettings & { epochs: number } {
  const h = hyperparameters(ctx);
  const initialSparsity = h.number('initialSparsity');
  const startFraction = h.number('startFraction');
  const endFraction = h.number('endFraction');
  const finalSparsity = ctx.target.sparsity;
  // The manifest bounds each value; these relations involve two values or the job's target.
  if (initialSparsity > finalSparsity) throw new Error(`gmp-gradual: hyperparameter initialSparsity must be at most the target sparsity ${finalSparsity}, got ${initialSparsity}`);
  if (startFraction > endFraction) throw new Error(`gmp-gradual: hyperparameters need startFraction ≤ endFraction, got ${startFraction} and ${endFraction}`);
  return { initialSparsity, finalSparsity, startFraction, endFraction, intervalEpochs: h.number('intervalEpochs'), epochs: h.epochs('epochs') };
}
