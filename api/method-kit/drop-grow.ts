import type { MaskMap, PruneContext, StepInfo, WeightMap } from '../method-api.ts';
import { erkRandomMasks } from './erk.ts';
import { largestMask } from './largest-mask.ts';

/**
 * Sparse-to-sparse training with a constant number of weights per layer (SET, RigL): start from a
 * random ERK mask, and every ΔT steps until `endFraction` of training drop the smallest-magnitude
 * fraction of each layer's active weights and grow as many inactive ones where `growScores` is
 * largest. Shared by methods/set (random scores) and methods/rigl (dense-gradient magnitude).
 *
 * Grown weights start at exactly 0 and the harness counts sparsity from the final weights, so a
 * weight grown where no gradient ever reaches it counts as pruned; growth can therefore be limited
 * to eligible positions (a non-zero gradient after the drop), the largest dropped weights kept back
 * when too few are eligible.
 */

export interface DropGrowSettings {
  epochs: number;
  /** ΔT in epochs; rounded to whole steps, at least 1. */
  intervalEpochs: number;
  /** Fraction of training steps after which the mask is fixed. */
  endFraction: number;
  /** Drop fraction at step 0, cosine-decayed to 0 at the end step. */
  dropFraction: number;
}

export interface DropGrowEvent {
  step: number;
  fraction: number;
  /** Weights dropped per layer, ⌊fraction·active⌋, in prunable-parameter order. */
  counts: number[];
  /** Of those, per layer, the dropped weights kept back because fewer candidates could grow. */
  keptBack: number[];
}

/** One event's growth ranking: larger scores grow first, among the `eligible` positions only (all when omitted). */
export interface GrowthRanking {
  scores: WeightMap;
  eligible?: WeightMap;
}

/**
 * Scores the growth candidates of one event: larger = grown first. Called after the drop with the
 * weights the network then has (dropped ones at 0); the weights grown next start at 0, so this is
 * the function training goes on with.
 */
export type GrowScores = (step: number, names: readonly string[], weightsAfterDrop: WeightMap) => GrowthRanking;

/** Event steps k·ΔT (k ≥ 1) strictly before round(endFraction·T): a weight grown at the last step could never train. */
export function dropGrowSteps(totalSteps: number, stepsPerEpoch: number, intervalEpochs: number, endFraction: number): number[] {
  const interval = Math.max(1, Math.round(intervalEpochs * stepsPerEpoch));
  const end = Math.round(endFraction * totalSteps);
  const steps: number[] = [];
  for (let step = interval; step < end; step += interval) steps.push(step);
  return steps;
}

/** RigL's cosine decay of the drop fraction: α/2·(1 + cos(π·t/T_end)). */
export function cosineDropFraction(step: number, endStep: number, initialFraction: number): number {
  return (initialFraction / 2) * (1 + Math.cos((Math.PI * step) / endStep));
}

/** Weights one event drops (and grows) in a layer with `active` weights: ⌊fraction·active⌋, as RigL's reference truncates. */
export function dropCount(fraction: number, active: number): number {
  return Math.floor(fraction * active);
}

/** One layer's drop: the active weights left after removing the `count` of smallest |θ| (ties to the lowest index). */
export function dropSmallest(mask: Float32Array, weights: Float32Array, count: number): Float32Array {
  const active = mask.reduce((a, b) => a + b, 0);
  return largestMask(weights.map(Math.abs), active - count, mask);
}

/**
 * One layer's growth after the drop: activates up to `count` inactive, eligible positions of
 * `survivors` (the just-dropped included) with the largest grow score, ties to the lowest index.
 * If fewer are eligible, the dropped weights of largest |θ| are kept back for the rest, so the
 * layer keeps its count and no weight is grown where it could not train. Weights that stay
 * active keep their values; only positions inactive before the update start at 0.
 */
export function regrow(
  mask: Float32Array,
  survivors: Float32Array,
  weights: Float32Array,
  growScores: ArrayLike<number>,
  count: number,
  eligible?: ArrayLike<number>,
): { mask: Float32Array; keptBack: number } {
  const candidates = survivors.map((kept, i) => (kept === 0 && (!eligible || eligible[i] === 1) ? 1 : 0));
  const growable = Math.min(
    count,
    candidates.reduce((a, b) => a + b, 0),
  );
  const grown = largestMask(growScores, growable, candidates);
  const next = survivors.map((kept, i) => kept + grown[i]);
  const keptBack = count - growable;
  if (keptBack > 0) {
    const droppedNotRegrown = mask.map((m, i) => (m === 1 && next[i] === 0 ? 1 : 0));
    const restored = largestMask(weights.map(Math.abs), keptBack, droppedNotRegrown);
    restored.forEach((r, i) => (next[i] += r));
  }
  return { mask: next, keptBack };
}

/** Drop then grow in one layer. A weight dropped and grown again keeps its mask bit, hence its value. */
export function dropAndGrow(
  mask: Float32Array,
  weights: Float32Array,
  growScores: ArrayLike<number>,
  count: number,
  eligible?: ArrayLike<number>,
): Float32Array {
  return regrow(mask, dropSmallest(mask, weights, count), weights, growScores, count, eligible).mask;
}

/**
 * Trains with the harness's loop from an ERK random mask, updating the mask at every event, and
 * leaves the weights of the last step (the recipe's best-epoch selection could restore weights
 * from before the last mask update, whose newly grown positions are 0 and would miss the count).
 */
export function trainWithDropGrow(
  ctx: PruneContext,
  settings: DropGrowSettings,
  growScores: GrowScores,
  label: string,
): { masks: MaskMap; events: DropGrowEvent[] } {
  const lastWeights = `${label}-last-weights`;
  const names = [...ctx.network.prunableNames];
  ctx.setMasks(erkRandomMasks(ctx));
  const events: DropGrowEvent[] = [];
  let steps: number[] | null = null;
  let endStep = 0;
  let next = 0;
  ctx.train({
    epochs: settings.epochs,
    afterStep: (info: StepInfo) => {
      const stepsPerEpoch = info.totalSteps / settings.epochs;
      if (!steps) {
        steps = dropGrowSteps(info.totalSteps, stepsPerEpoch, settings.intervalEpochs, settings.endFraction);
        endStep = Math.round(settings.endFraction * info.totalSteps);
      }
      if (next < steps.length && steps[next] === info.step) {
        next++;
        events.push(updateMasks(ctx, names, info.step, cosineDropFraction(info.step, endStep, settings.dropFraction), growScores));
      }
      if (info.step % stepsPerEpoch === 0 || info.step === info.totalSteps) ctx.checkpoint(lastWeights);
    },
  });
  ctx.rewind(lastWeights);
  return { masks: ctx.network.getMasks(), events };
}

function updateMasks(ctx: PruneContext, names: string[], step: number, fraction: number, growScores: GrowScores): DropGrowEvent {
  const masks = ctx.network.getMasks();
  const counts = names.map((name) =>
    dropCount(
      fraction,
      masks[name].reduce((a, b) => a + b, 0),
    ),
  );
  if (counts.every((c) => c === 0)) return { step, fraction, counts, keptBack: counts.map(() => 0) };
  const weights = ctx.network.getWeights(names);
  const survivors = Object.fromEntries(names.map((name, l) => [name, dropSmallest(masks[name], weights[name], counts[l])]));
  const afterDrop = Object.fromEntries(names.map((name) => [name, weights[name].map((w, i) => w * survivors[name][i])]));
  const ranking = growScores(step, names, afterDrop);
  const updates = names.map((name, l) =>
    regrow(masks[name], survivors[name], weights[name], ranking.scores[name], counts[l], ranking.eligible?.[name]),
  );
  // One setMasks for drop and growth: a weight dropped and grown again (or kept back) is never zeroed.
  ctx.setMasks(Object.fromEntries(names.map((name, l) => [name, updates[l].mask])));
  return { step, fraction, counts, keptBack: updates.map((u) => u.keptBack) };
}

/**
 * ∂L/∂θ at `weights` (the network's weights with some set to 0) on a fresh seeded training batch,
 * with the masks lifted: inactive weights are 0 in `weights`, so the function is the network's
 * own, but their gradient is not masked out. The network's masks are restored afterwards.
 */
export function denseGradientsAt(ctx: PruneContext, names: readonly string[], weights: WeightMap, batchSize?: number): WeightMap {
  const { tf } = ctx;
  const shapes = new Map(ctx.network.parameters.map((p) => [p.name, p.shape]));
  const masks = ctx.network.getMasks();
  ctx.setMasks(Object.fromEntries(names.map((name) => [name, new Float32Array(masks[name].length).fill(1)])));
  const [batch] = ctx.trainBatches(1, batchSize);
  const tensors = names.map((name) => tf.tensor(weights[name], [...shapes.get(name)!]));
  try {
    const gradients = tf.grads((...ws: ReturnType<typeof tf.tensor>[]) =>
      ctx.loss(ctx.forward(batch.x, Object.fromEntries(names.map((name, i) => [name, ws[i]]))), batch.y),
    )(tensors);
    const result = Object.fromEntries(names.map((name, i) => [name, Float32Array.from(gradients[i].dataSync())]));
    for (const g of gradients) g.dispose();
    return result;
  } finally {
    for (const t of tensors) t.dispose();
    batch.x.dispose();
    batch.y.dispose();
    ctx.setMasks(masks);
  }
}

/** 1 where the gradient is non-zero: a weight grown at 0 anywhere else gets no update on that batch. */
export function withGradient(gradients: WeightMap): WeightMap {
  return Object.fromEntries(Object.entries(gradients).map(([name, g]) => [name, g.map((v) => (v !== 0 ? 1 : 0))]));
}
