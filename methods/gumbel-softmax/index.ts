import type { Batch, OptimizeOptions, PruneContext, PruneResult, TrainingRecipe, WeightMap } from '../../api/method-api.ts';
import { hyperparameters } from '../../api/method-kit/hyperparameters.ts';
import { keepLogit, logisticNoise, temperatureAt } from './schedule.ts';

type Tensor = Parameters<PruneContext['forward']>[0];
type Scalar = ReturnType<PruneContext['loss']>;
type Variable = OptimizeOptions['variables'][string];

export interface GateSearch {
  /** Overrides of the task recipe for the gate optimiser. */
  recipe: Partial<TrainingRecipe>;
  epochs: number;
  steps?: number;
  initialTemperature: number;
  finalTemperature: number;
  /** Learn one scale per layer during the search (the paper's rescaling); never part of the returned ticket. */
  rescale: boolean;
}

/** The frozen weights, the gate logits and (optionally) per-layer scales of one search. */
export interface GateState {
  weights: Record<string, Tensor>;
  logits: Record<string, Variable>;
  scales: Record<string, Variable> | null;
}

/**
 * Gumbel-softmax subnetwork extraction (Dupont et al. 2022): every weight of the frozen random
 * network has a keep/prune gate with logit θ (keep probability σ(θ)); each step samples relaxed
 * Bernoulli gates m = σ((θ + l)/τ), l = log u − log(1 − u) the difference of two Gumbel draws
 * (the two-class Gumbel-softmax), and trains θ through W ⊙ m with the task loss while τ anneals.
 * Returns θ: the harness keeps each layer's n − round(s·n) most probable weights.
 */
export function prune(ctx: PruneContext): PruneResult {
  return { scores: searchGates(ctx, readSettings(ctx)) };
}

/** Logits start at logit(d), d each layer's kept fraction, so a gate's prior keep probability is the target density. */
export function initialLogits(ctx: PruneContext): WeightMap {
  const out: WeightMap = {};
  for (const p of ctx.network.parameters) {
    if (!p.prunable) continue;
    const n = p.shape.reduce((a, b) => a * b, 1);
    out[p.name] = new Float32Array(n).fill(keepLogit((n - Math.round(ctx.target.sparsity * n)) / n));
  }
  return out;
}

/** The loss of one batch under relaxed gates drawn with the given logistic noise at temperature τ. */
export function gatedLoss(ctx: PruneContext, state: GateState, batch: Batch, noise: Record<string, Tensor>, temperature: number): Scalar {
  const { tf } = ctx;
  const override = Object.fromEntries(
    Object.keys(state.logits).map((name) => {
      const gates = tf.sigmoid(tf.div(tf.add(state.logits[name], noise[name]), temperature));
      const gated = tf.mul(state.weights[name], gates);
      return [name, state.scales ? tf.mul(gated, state.scales[name]) : gated];
    }),
  );
  return ctx.loss(ctx.forward(batch.x, override), batch.y);
}

/** Optimises the gate logits with the harness's loop on frozen weights; returns the final logits. */
export function searchGates(ctx: PruneContext, search: GateSearch, start: WeightMap = initialLogits(ctx)): WeightMap {
  const { tf } = ctx;
  const names = [...ctx.network.prunableNames];
  const shapes = Object.fromEntries(ctx.network.parameters.map((p) => [p.name, p.shape]));
  const initial = ctx.network.getWeights(names);
  const state: GateState = {
    weights: Object.fromEntries(names.map((name) => [name, tf.tensor(initial[name], shapes[name])])),
    logits: Object.fromEntries(names.map((name) => [name, tf.variable(tf.tensor(start[name], shapes[name]))])),
    scales: search.rescale ? Object.fromEntries(names.map((name) => [name, tf.variable(tf.scalar(1))])) : null,
  };
  const noiseRng = ctx.rng.fork('gumbel-noise');
  let step = 0;
  let progress = 0;
  try {
    ctx.optimize({
      variables: { ...state.logits, ...(state.scales ? Object.fromEntries(names.map((n) => [`${n}#scale`, state.scales![n]])) : {}) },
      recipe: search.recipe,
      epochs: search.epochs,
      steps: search.steps,
      loss: (batch) => {
        const draw = noiseRng.fork(`step:${step++}`);
        const noise = Object.fromEntries(
          names.map((name) => [name, tf.tensor(logisticNoise(draw.fork(name).uniformArray(initial[name].length)), shapes[name])]),
        );
        return gatedLoss(ctx, state, batch, noise, temperatureAt(progress, search.initialTemperature, search.finalTemperature));
      },
      afterStep: (info) => {
        progress = info.step / info.totalSteps;
      },
    });
    return Object.fromEntries(names.map((name) => [name, state.logits[name].dataSync().slice() as Float32Array]));
  } finally {
    for (const name of names) {
      state.weights[name].dispose();
      state.logits[name].dispose();
      state.scales?.[name].dispose();
    }
  }
}

function readSettings(ctx: PruneContext): GateSearch {
  const h = hyperparameters(ctx);
  const initialTemperature = h.number('initialTemperature');
  const finalTemperature = h.number('finalTemperature');
  if (finalTemperature > initialTemperature)
    throw new Error(`gumbel-softmax: finalTemperature ${finalTemperature} exceeds initialTemperature ${initialTemperature}`);
  const optimizer = h.choice('optimizer', ['sgd', 'momentum', 'adam'] as const);
  return {
    recipe: { optimizer, learningRate: h.number('learningRate'), momentum: h.number('momentum'), schedule: { kind: 'constant' } },
    epochs: h.epochs('epochs'),
    initialTemperature,
    finalTemperature,
    rescale: h.boolean('rescale'),
  };
}
