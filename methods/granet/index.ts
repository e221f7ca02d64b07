import type { MaskMap, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { magnitudeMasks } from '../../api/method-kit/iterative-magnitude.ts';
import { largestMask } from '../../api/method-kit/largest-mask.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';
import {
  cubicEventSteps,
  cubicSparsity,
  readCubicSchedule,
  trainKeepingLastWeights,
  type CubicSchedule,
} from '../../api/method-kit/gradual.ts';

const LAST_WEIGHTS = 'granet-last-weights';
/** The reference code anneals the regeneration rate with PyTorch's CosineAnnealingLR down to this floor. */
const DEATH_RATE_FLOOR = 0.005;

export interface GranetEvent {
  step: number;
  /** Global sparsity the gradual pruning reaches at this step; null once the pruning schedule is over. */
  sparsity: number | null;
  /** Whether zero-cost neuroregeneration (prune-and-regrow) follows. */
  regrowth: boolean;
}

export interface ScheduleSettings extends CubicSchedule {
  regrowthEndFraction: number;
}

/**
 * GraNet (Liu et al. 2021) during the harness's training. Every ΔT steps from t0: gradual global
 * magnitude pruning along the cubic schedule s_t = s_f + (s_i − s_f)(1 − (t − t0)/(nΔt))³, then
 * zero-cost neuroregeneration: in every layer, drop the ceil(r_t·active) smallest-magnitude active
 * weights and regrow as many inactive ones with the largest dense-gradient magnitude, r_t decaying
 * by a cosine over training. Regrowth stops after `regrowthEndFraction` of the steps; training then
 * goes on with the final mask. The network is left with the weights of the last training step.
 */
export function prune(ctx: PruneContext): PruneResult {
  const { epochs, deathRate, ...schedule } = readSettings(ctx);
  const names = [...ctx.network.prunableNames];
  if (schedule.initialSparsity > 0) ctx.setMasks(randomLayerwiseMasks(ctx, names, schedule.initialSparsity));

  let events = null as GranetEvent[] | null;
  let next = 0;
  trainKeepingLastWeights(ctx, epochs, LAST_WEIGHTS, (info, stepsPerEpoch) => {
    events ??= granetSchedule(info.totalSteps, stepsPerEpoch, schedule);
    // An event at step 0 takes effect after the first step: the step count is only known once training runs.
    while (next < events.length && events[next].step <= info.step) {
      const event = events[next++];
      const gradients = event.regrowth && deathRate > 0 ? denseGradients(ctx, names) : null;
      if (event.sparsity !== null) pruneGlobally(ctx, names, event.sparsity);
      if (gradients) {
        const rate = deathRateAt(event.step, info.totalSteps, deathRate);
        const weights = ctx.network.getWeights(names);
        const masks = ctx.network.getMasks();
        ctx.setMasks(Object.fromEntries(names.map((name) => [name, pruneAndRegrow(masks[name], weights[name], gradients[name], rate)])));
      }
    }
  });
  // Early stopping can end training before the schedule does.
  const pruningLeft = !events || events.slice(next).some((e) => e.sparsity !== null);
  if (pruningLeft) pruneGlobally(ctx, names, schedule.finalSparsity);
  return { masks: ctx.network.getMasks() };
}

/**
 * Events every Δt = round(`intervalEpochs` × steps per epoch) steps from t0 = round(`startFraction`·T):
 * the first n + 1 prune (n = ⌊(round(`endFraction`·T) − t0)/Δt⌋, the last exactly to `finalSparsity`),
 * and those up to round(`regrowthEndFraction`·T) regrow.
 */
export function granetSchedule(totalSteps: number, stepsPerEpoch: number, settings: ScheduleSettings): GranetEvent[] {
  const { start, interval, count: pruningCount } = cubicEventSteps(totalSteps, stepsPerEpoch, settings);
  const regrowthEnd = Math.round(settings.regrowthEndFraction * totalSteps);
  const events: GranetEvent[] = [];
  for (let k = 0, step = start; step <= Math.max(start + pruningCount * interval, regrowthEnd); k++, step += interval) {
    let sparsity: number | null = null;
    if (k <= pruningCount) sparsity = cubicSparsity(k, pruningCount, settings);
    events.push({ step, sparsity, regrowth: step <= regrowthEnd });
  }
  return events;
}

/** Cosine annealing of the regeneration rate over training, as the reference code's CosineDecay. */
export function deathRateAt(step: number, totalSteps: number, initialRate: number): number {
  const floor = Math.min(DEATH_RATE_FLOOR, initialRate);
  return floor + ((initialRate - floor) * (1 + Math.cos((Math.PI * step) / totalSteps))) / 2;
}

/**
 * One layer's zero-cost neuroregeneration: removes the ceil(rate·active) active weights of smallest
 * |θ|, then activates as many of the inactive ones (the just-removed included) with the largest |g|.
 * Ties go to the lowest index.
 */
export function pruneAndRegrow(mask: Float32Array, weights: Float32Array, gradient: Float32Array, rate: number): Float32Array {
  const active = mask.reduce((a, b) => a + b, 0);
  const removed = Math.ceil(rate * active);
  if (removed === 0) return mask.slice();
  const survivors = largestMask(weights.map(Math.abs), active - removed, mask);
  const candidates = survivors.map((kept) => 1 - kept);
  const regrown = largestMask(gradient.map(Math.abs), removed, candidates);
  return survivors.map((kept, i) => kept + regrown[i]);
}

/** Keeps the network's keepCount(s) largest surviving |θ| over all layers together (never more than survive). */
export function globalMagnitudeMasks(weights: WeightMap, masks: MaskMap, names: string[], sparsity: number): MaskMap {
  const total = names.reduce((sum, name) => sum + weights[name].length, 0);
  const surviving = names.reduce((sum, name) => sum + masks[name].reduce((a, b) => a + b, 0), 0);
  return magnitudeMasks(weights, masks, names, [Math.min(surviving, total - Math.round(sparsity * total))], 'global');
}

function pruneGlobally(ctx: PruneContext, names: string[], sparsity: number): void {
  ctx.setMasks(globalMagnitudeMasks(ctx.network.getWeights(names), ctx.network.getMasks(), names, sparsity));
}

/**
 * ∂L/∂θ on a fresh training batch with the masks lifted. Pruned weights are stored as exactly 0, so
 * the network computes the same function, but their gradient is no longer masked out: regrowth
 * ranks the inactive weights by it, as the reference code does with its unmasked weight.grad.
 */
function denseGradients(ctx: PruneContext, names: string[]): WeightMap {
  const masks = ctx.network.getMasks();
  ctx.setMasks(Object.fromEntries(names.map((name) => [name, new Float32Array(masks[name].length).fill(1)])));
  try {
    const [batch] = ctx.trainBatches(1);
    try {
      return ctx.gradients(batch);
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
  } finally {
    ctx.setMasks(masks);
  }
}

/** GraNet's sparse-to-sparse start: each layer keeps n − round(s_i·n) weights drawn uniformly. */
function randomLayerwiseMasks(ctx: PruneContext, names: string[], sparsity: number): MaskMap {
  const masks: MaskMap = {};
  for (const name of names) {
    const size = ctx.network.parameters.find((p) => p.name === name)!.shape.reduce((a, b) => a * b, 1);
    const mask = new Float32Array(size);
    for (const i of ctx.rng
      .fork(`initial-mask:${name}`)
      .permutation(size)
      .subarray(0, size - Math.round(sparsity * size)))
      mask[i] = 1;
    masks[name] = mask;
  }
  return masks;
}

function readSettings(ctx: PruneContext): ScheduleSettings & { epochs: number; deathRate: number } {
  const h = hyperparameters(ctx);
  return {
    ...readCubicSchedule(ctx, 'granet'),
    regrowthEndFraction: h.number('regrowthEndFraction'),
    deathRate: h.number('deathRate'),
    epochs: h.epochs('epochs'),
  };
}
