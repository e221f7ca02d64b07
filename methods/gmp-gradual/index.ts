import type { MaskMap, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { largestMask } from '../../api/method-kit/largest-mask.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';
import {
  cubicEventSteps,
  cubicSparsity,
  readCubicSchedule,
  trainKeepingLastWeights,
  type CubicSchedule,
} from '../../api/method-kit/gradual.ts';

const LAST_WEIGHTS = 'gmp-last-weights';

export interface PruningEvent {
  step: number;
  sparsity: number;
}

export type ScheduleSettings = CubicSchedule;

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
  const pruneTo = (sparsity: number) =>
    ctx.setMasks(layerwiseMagnitudeMasks(ctx.network.getWeights(names), ctx.network.getMasks(), names, sparsity));

  trainKeepingLastWeights(ctx, epochs, LAST_WEIGHTS, (info, stepsPerEpoch) => {
    events ??= pruningSchedule(info.totalSteps, stepsPerEpoch, schedule);
    // An event at step 0 takes effect after the first step: the step count is only known once training runs.
    while (next < events.length && events[next].step <= info.step) pruneTo(events[next++].sparsity);
  });
  // Early stopping can end training before the schedule does.
  if (!events || next < events.length) pruneTo(schedule.finalSparsity);
  return { masks: ctx.network.getMasks() };
}

/** The pruning steps and the sparsity each one prunes to; the last is exactly `finalSparsity`. */
export function pruningSchedule(totalSteps: number, stepsPerEpoch: number, settings: ScheduleSettings): PruningEvent[] {
  const { start, interval, count } = cubicEventSteps(totalSteps, stepsPerEpoch, settings);
  return Array.from({ length: count + 1 }, (_, k) => ({ step: start + k * interval, sparsity: cubicSparsity(k, count, settings) }));
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
  return { ...readCubicSchedule(ctx, 'gmp-gradual'), epochs: hyperparameters(ctx).epochs('epochs') };
}
