import type { MaskMap, PruneContext, PruneResult, WeightMap } from '../method-api.ts';
import { hyperparameters } from './hyperparameters.ts';
import { largestMask } from './largest-mask.ts';

/**
 * The machinery iterative magnitude pruning methods share (imp, imp-rewind): round plans, masks by
 * surviving magnitude, and survival scores. A method supplies how a round trains and what the
 * surviving weights are reset to.
 */

export type IterativeScope = 'global' | 'layerwise';

export interface IterativeMagnitudeSettings {
  scope: IterativeScope;
  rate: number;
  outputLayerRate: number;
  epochs: number;
}

export interface RoundHooks {
  /** Trains the network once; round 0 is the first, dense, training. */
  train(round: number): void;
  /** Resets the weights after a round's pruning, and once more after the last. */
  rewind(): void;
}

/**
 * Runs the rounds: train, keep the largest surviving |θ| as the plan says, rewind. Leaves every
 * weight at its rewind value with all masks lifted and returns survival scores.
 */
export async function pruneIteratively(ctx: PruneContext, settings: IterativeMagnitudeSettings, hooks: RoundHooks): Promise<PruneResult> {
  return { scores: (await pruneTrunk(ctx, settings, hooks, [ctx.target.keepCount])).get(ctx.target.keepCount)!.scores };
}

export interface TrunkBranch {
  scores: WeightMap;
  /** Shared rounds before this target's own final round: the trunk level it branched from. */
  level: number;
}

/** Kept per layer (or `[total]` when global) after each round of the plan for `keepCount`. */
function roundPlan(ctx: PruneContext, settings: IterativeMagnitudeSettings, keepCount: number): number[][] {
  const names = ctx.network.prunableNames;
  return roundPlanFor(
    names.map((name) => ctx.network.parameters.find((p) => p.name === name)!.shape.reduce((a, b) => a * b, 1)),
    settings,
    keepCount,
  );
}

/**
 * Every full round of the schedule, the same for every target: the levels of the trunk, kept per
 * layer (or `[total]`) after full round 1, 2, …, while a round still keeps more than the layers
 * that are never pruned.
 */
export function fullRoundsFor(
  sizes: readonly number[],
  settings: Pick<IterativeMagnitudeSettings, 'scope' | 'rate' | 'outputLayerRate'>,
): number[][] {
  const rates = settings.scope === 'global' ? [settings.rate] : layerRates(sizes.length, settings.rate, settings.outputLayerRate);
  const layers = settings.scope === 'global' ? [sizes.reduce((a, b) => a + b, 0)] : [...sizes];
  const neverPruned = layers.reduce((sum, size, l) => sum + (rates[l] === 0 ? size : 0), 0);
  return roundPlanFor(sizes, settings, neverPruned).slice(0, -1);
}

/**
 * The round plan for prunable layers of `sizes` (in parameter order): kept per layer, or `[total]`
 * when global, after each round. Every round but the last is a full round, the same for every
 * target that reaches it; the harness checks trunk levels against these counts.
 */
export function roundPlanFor(
  sizes: readonly number[],
  settings: Pick<IterativeMagnitudeSettings, 'scope' | 'rate' | 'outputLayerRate'>,
  keepCount: number,
): number[][] {
  const total = sizes.reduce((a, b) => a + b, 0);
  return settings.scope === 'global'
    ? globalRoundPlan(total, settings.rate, keepCount).map((kept) => [kept])
    : layerwiseRoundPlan([...sizes], layerRates(sizes.length, settings.rate, settings.outputLayerRate), keepCount);
}

/**
 * IMP to several targets at once: one trunk of full rounds, each target branching from the last
 * trunk level that still keeps more than it, with one final round to its exact count. A target's
 * round plan is the trunk's full rounds above it and then its own last round (layerwiseRoundPlan),
 * and round r trains the network of level r whatever the target, so every target gets the mask a
 * separate run would give while each level is trained once: max over targets of the rounds instead
 * of their sum. Leaves the network as pruneIteratively does for the deepest target.
 *
 * With `ctx.trunk`, the rounds start at the harness's stored level (its survival arrays; the
 * harness has restored the network, masks and checkpoints), and every full round done is reported
 * as a level once the network is rewound, so other jobs and resumed runs can start there; so is
 * the full round that the last round's training also gives (its masks, not the target's).
 */
export async function pruneTrunk(
  ctx: PruneContext,
  settings: IterativeMagnitudeSettings,
  hooks: RoundHooks,
  keepCounts: readonly number[],
): Promise<Map<number, TrunkBranch>> {
  const names = [...ctx.network.prunableNames];
  const plans = new Map(keepCounts.map((k) => [k, roundPlan(ctx, settings, k)]));
  const deepest = [...plans.values()].reduce((a, b) => (b.length > a.length ? b : a), [] as number[][]);
  for (const [k, plan] of plans) {
    const shared = plan.slice(0, -1);
    if (shared.some((kept, r) => kept.join() !== deepest[r].join()))
      throw new Error(`round plan for ${k} weights does not follow the trunk`);
  }
  const branches = new Map<number, TrunkBranch>();
  const start = ctx.trunk?.start ?? null;
  const firstRound = start?.level ?? 0;
  for (const [k, plan] of plans) {
    if (firstRound > 0 && plan.length <= firstRound)
      throw new Error(
        `the trunk starts at level ${firstRound}, past the last shared round of the plan for ${k} weights (${plan.length} rounds)`,
      );
  }
  const survival = start
    ? survivalFromArrays(start.arrays, names, ctx.network.getMasks())
    : startSurvival(ctx.network.getWeights(names), names);
  const trunkLevels = ctx.trunk
    ? fullRoundsFor(
        names.map((name) => ctx.network.getMasks()[name].length),
        settings,
      )
    : [];
  for (const [k, plan] of plans) if (plan.length === 0) branches.set(k, { scores: survivalScores(survival, names), level: 0 });

  for (let round = firstRound; round < deepest.length; round++) {
    hooks.train(round);
    const trained = ctx.network.getWeights(names);
    const before = ctx.network.getMasks();
    const continues = [...plans.values()].some((plan) => plan.length > round + 1);
    let last: MaskMap | null = null;
    for (const [k, plan] of plans) {
      if (plan.length !== round + 1) continue;
      const after = magnitudeMasks(trained, before, names, plan[round], settings.scope);
      const branch = cloneSurvival(survival, names);
      recordRound(branch, names, before, after, trained);
      branches.set(k, { scores: survivalScores(branch, names), level: round });
      last = after;
    }
    if (continues) {
      const after = magnitudeMasks(trained, before, names, deepest[round], settings.scope);
      recordRound(survival, names, before, after, trained);
      ctx.setMasks(after);
      hooks.rewind();
      await ctx.trunk?.reached(round + 1, survivalArrays(survival, names));
    } else {
      // The last round trained the network of the level it branched from, as the trunk's next
      // full round does: that level is stored too, so a deeper target starts after this training.
      if (ctx.trunk && trunkLevels[round]) {
        const after = magnitudeMasks(trained, before, names, trunkLevels[round], settings.scope);
        const next = cloneSurvival(survival, names);
        recordRound(next, names, before, after, trained);
        ctx.setMasks(after);
        hooks.rewind();
        await ctx.trunk.reached(round + 1, survivalArrays(next, names));
      }
      ctx.setMasks(last!);
      hooks.rewind();
    }
  }
  if (deepest.length > 0) {
    liftMasks(ctx, names);
    hooks.rewind();
  }
  return branches;
}

/** A trunk level's own arrays: the survival bookkeeping, `rounds:<name>` and `magnitudes:<name>`. */
function survivalArrays(survival: Survival, names: string[]): WeightMap {
  return Object.fromEntries(
    names.flatMap((name) => [
      [`rounds:${name}`, survival.rounds[name]],
      [`magnitudes:${name}`, survival.magnitudes[name]],
    ]),
  );
}

function survivalFromArrays(arrays: WeightMap, names: string[], masks: MaskMap): Survival {
  const read = (key: string, length: number) => {
    const array = arrays[key];
    if (!(array instanceof Float32Array) || array.length !== length)
      throw new Error(`the trunk level has no survival array '${key}' of ${length} values`);
    return array.slice();
  };
  return {
    rounds: Object.fromEntries(names.map((name) => [name, read(`rounds:${name}`, masks[name].length)])),
    magnitudes: Object.fromEntries(names.map((name) => [name, read(`magnitudes:${name}`, masks[name].length)])),
  };
}

function cloneSurvival(survival: Survival, names: string[]): Survival {
  return {
    rounds: Object.fromEntries(names.map((name) => [name, survival.rounds[name].slice()])),
    magnitudes: Object.fromEntries(names.map((name) => [name, survival.magnitudes[name].slice()])),
  };
}

/**
 * Total weights kept after each round under global pruning: round(total·(1 − rate)^r) while that
 * is above `keepCount`, then `keepCount`. Rounds that would remove nothing are skipped.
 */
export function globalRoundPlan(total: number, rate: number, keepCount: number): number[] {
  return layerwiseRoundPlan([total], [rate], keepCount).map(([kept]) => kept);
}

/**
 * Weights kept per layer after each round: full round r keeps round(n_l·(1 − p_l)^r) in layer l.
 * Full rounds continue while their total stays above `keepCount`; the round that would reach or
 * pass it is replaced by a partial one that removes exactly the remaining excess, shared between
 * the layers in proportion to what the full round would remove from each (largest remainders,
 * ties to the earlier layer). Rounds that would remove nothing are skipped.
 */
export function layerwiseRoundPlan(sizes: number[], rates: number[], keepCount: number): number[][] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (!Number.isInteger(keepCount) || keepCount < 0 || keepCount > total) throw new Error(`cannot keep ${keepCount} of ${total} weights`);
  const neverPruned = sizes.reduce((sum, size, l) => sum + (rates[l] === 0 ? size : 0), 0);
  if (keepCount < neverPruned)
    throw new Error(`layers with pruning rate 0 hold ${neverPruned} weights, more than the ${keepCount} to keep`);

  const plan: number[][] = [];
  let previous = [...sizes];
  let previousTotal = total;
  for (let round = 1; previousTotal > keepCount; round++) {
    const full = sizes.map((size, l) => Math.round(size * (1 - rates[l]) ** round));
    const fullTotal = full.reduce((a, b) => a + b, 0);
    if (fullTotal > keepCount) {
      if (fullTotal < previousTotal) {
        plan.push(full);
        previous = full;
        previousTotal = fullTotal;
      }
      continue;
    }
    const removals = previous.map((kept, l) => kept - full[l]);
    const shares = shareByLargestRemainder(previousTotal - keepCount, removals);
    plan.push(previous.map((kept, l) => kept - shares[l]));
    break;
  }
  return plan;
}

/** Splits `amount` (≤ Σ weights) into integers proportional to `weights`, largest remainders first. */
function shareByLargestRemainder(amount: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (amount * w) / sum);
  const shares = exact.map(Math.floor);
  const order = exact.map((_, l) => l).sort((a, b) => exact[b] - shares[b] - (exact[a] - shares[a]) || a - b);
  let left = amount - shares.reduce((a, b) => a + b, 0);
  for (const l of order) {
    if (left === 0) break;
    shares[l]++;
    left--;
  }
  return shares;
}

/** Per-layer rates: `rate` everywhere except the last prunable layer (the output layer). */
export function layerRates(layerCount: number, rate: number, outputLayerRate: number): number[] {
  return Array.from({ length: layerCount }, (_, l) => (l === layerCount - 1 ? outputLayerRate : rate));
}

/** Keeps the largest surviving |θ|: `kept[l]` per layer, or `kept[0]` over all layers together. */
export function magnitudeMasks(weights: WeightMap, masks: MaskMap, names: string[], kept: number[], scope: IterativeScope): MaskMap {
  if (scope === 'layerwise') {
    return Object.fromEntries(names.map((name, l) => [name, largestMask(weights[name].map(Math.abs), kept[l], masks[name])]));
  }
  const total = names.reduce((sum, name) => sum + weights[name].length, 0);
  const magnitudes = new Float32Array(total);
  const survivors = new Float32Array(total);
  let offset = 0;
  for (const name of names) {
    magnitudes.set(weights[name].map(Math.abs), offset);
    survivors.set(masks[name], offset);
    offset += weights[name].length;
  }
  const flat = largestMask(magnitudes, kept[0], survivors);
  const out: MaskMap = {};
  offset = 0;
  for (const name of names) {
    out[name] = flat.slice(offset, offset + weights[name].length);
    offset += weights[name].length;
  }
  return out;
}

/**
 * Leaves every weight at its rewind value: the harness applies the returned ticket's mask itself, and
 * its 'shuffled' and 'inverted' controls keep weights this mask removed, which must not start at 0.
 */
export function liftMasks(ctx: PruneContext, names: string[]): void {
  const masks = ctx.network.getMasks();
  ctx.setMasks(Object.fromEntries(names.map((name) => [name, new Float32Array(masks[name].length).fill(1)])));
}

export interface Survival {
  /** Pruning rounds each weight has survived. */
  rounds: WeightMap;
  /** |θ| when the weight was last ranked (its initial value before any round). */
  magnitudes: WeightMap;
}

export function startSurvival(weights: WeightMap, names: string[]): Survival {
  return {
    rounds: Object.fromEntries(names.map((name) => [name, new Float32Array(weights[name].length)])),
    magnitudes: Object.fromEntries(names.map((name) => [name, weights[name].map(Math.abs)])),
  };
}

export function recordRound(survival: Survival, names: string[], before: MaskMap, after: MaskMap, trained: WeightMap): void {
  for (const name of names) {
    for (let i = 0; i < before[name].length; i++) {
      if (before[name][i] === 0) continue;
      survival.magnitudes[name][i] = Math.abs(trained[name][i]);
      survival.rounds[name][i] += after[name][i];
    }
  }
}

/**
 * A weight removed in round r (0-based) scores r + m/(1 + m), m its |θ| when removed; a survivor of
 * all R rounds scores R + m/(1 + m) with its last trained |θ|. The global top target.keepCount are
 * exactly the survivors, however the rounds split them across layers, and the 'inverted' control
 * keeps the weights IMP removed first.
 */
export function survivalScores(survival: Survival, names: string[]): WeightMap {
  return Object.fromEntries(
    names.map((name) => [name, survival.rounds[name].map((r, i) => r + survival.magnitudes[name][i] / (1 + survival.magnitudes[name][i]))]),
  );
}

/** Reads the shared hyperparameters scope, rate, outputLayerRate and epochs (the manifest bounds them). */
export function readIterativeMagnitudeSettings(ctx: Pick<PruneContext, 'hyperparameters' | 'recipe'>): IterativeMagnitudeSettings {
  const h = hyperparameters(ctx);
  return {
    scope: h.choice('scope', ['global', 'layerwise'] as const),
    rate: h.number('rate'),
    outputLayerRate: h.number('outputLayerRate'),
    epochs: h.epochs('epochs'),
  };
}
