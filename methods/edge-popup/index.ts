import type { OptimizeOptions, PruneContext, PruneResult, TrainingRecipe, WeightMap } from '../../harness/method-api.ts';
import { largestMask } from '../../harness/method-kit/largest-mask.ts';
import { hyperparameters } from '../../harness/method-kit/hyperparameters.ts';

type Tensor = Parameters<PruneContext['forward']>[0];
type Scalar = ReturnType<PruneContext['loss']>;
type Variable = OptimizeOptions['variables'][string];

export interface ScoreTraining {
  /** Overrides of the task recipe for the score optimiser. */
  recipe: Partial<TrainingRecipe>;
  epochs?: number;
  steps?: number;
  /** L2 penalty wd/2·‖s‖² on the scores. */
  weightDecay: number;
}

/**
 * edge-popup (Ramanujan et al. 2020): the weights stay at their initial values; a score per
 * weight is trained instead. The forward pass uses W ⊙ h(|s|), h keeping each layer's top-k |s|,
 * and the backward pass treats h as the identity (straight-through), so ∂L/∂s = sign(s)·(∂L/∂W′ ⊙ W).
 * Returns |s|: the harness keeps each layer's top n − round(s·n), the subnetwork the scores chose.
 */
export function prune(ctx: PruneContext): PruneResult {
  const scores = trainScores(ctx, kaimingUniformScores(ctx), readSettings(ctx));
  return { scores: Object.fromEntries(Object.entries(scores).map(([name, s]) => [name, s.map(Math.abs)])) };
}

/** U(−1/√fan_in, 1/√fan_in): PyTorch's kaiming_uniform_ with a = √5, the reference code's score initialisation. */
export function kaimingUniformScores(ctx: PruneContext): WeightMap {
  const scores: WeightMap = {};
  for (const p of ctx.network.parameters) {
    if (!p.prunable) continue;
    const bound = 1 / Math.sqrt(p.fanIn);
    scores[p.name] = ctx.rng.fork(`scores:${p.name}`).uniformArray(p.shape.reduce((a, b) => a * b, 1), -bound, bound);
  }
  return scores;
}

/** Optimises the scores with the harness's loop on frozen weights; returns the final (signed) scores. */
export function trainScores(ctx: PruneContext, initialScores: WeightMap, training: ScoreTraining): WeightMap {
  const { tf } = ctx;
  const names = [...ctx.network.prunableNames];
  const shapes = Object.fromEntries(ctx.network.parameters.map((p) => [p.name, p.shape]));
  const initial = ctx.network.getWeights(names);
  const weights = Object.fromEntries(names.map((name) => [name, tf.tensor(initial[name], shapes[name])]));
  const scores: Record<string, Variable> = Object.fromEntries(names.map((name) => [name, tf.tidy(() => tf.variable(tf.tensor(initialScores[name], shapes[name])))]));
  const popups = Object.fromEntries(names.map((name) => [name, straightThroughTopK(ctx, initial[name].length - Math.round(ctx.target.sparsity * initial[name].length))]));
  try {
    ctx.optimize({
      variables: scores,
      recipe: training.recipe,
      epochs: training.epochs,
      steps: training.steps,
      loss: (batch) => {
        const override = Object.fromEntries(names.map((name) => [name, tf.mul(weights[name], popups[name](tf.abs(scores[name])))]));
        const loss = ctx.loss(ctx.forward(batch.x, override), batch.y);
        if (training.weightDecay === 0) return loss;
        return tf.add(loss, tf.mul(training.weightDecay / 2, tf.addN(names.map((name) => tf.sum(tf.square(scores[name])))))) as Scalar;
      },
    });
    return Object.fromEntries(names.map((name) => [name, scores[name].dataSync().slice() as Float32Array]));
  } finally {
    for (const name of names) {
      weights[name].dispose();
      scores[name].dispose();
    }
  }
}

/** Forward: the 0/1 mask of the `keep` largest entries (ties to the lowest index). Backward: the identity. */
function straightThroughTopK(ctx: PruneContext, keep: number): (magnitudes: Tensor) => Tensor {
  const { tf } = ctx;
  return tf.customGrad((...inputs) => {
    const magnitudes = inputs[0] as Tensor;
    return { value: tf.tensor(largestMask(magnitudes.dataSync(), keep), magnitudes.shape), gradFunc: (dy: Tensor) => dy };
  });
}

function readSettings(ctx: PruneContext): ScoreTraining {
  const h = hyperparameters(ctx);
  const optimizer = h.choice('optimizer', ['sgd', 'momentum', 'adam'] as const);
  return { recipe: { optimizer, learningRate: h.number('learningRate'), momentum: h.number('momentum'), schedule: { kind: 'cosine' } }, epochs: h.epochs('epochs'), weightDecay: h.number('weightDecay') };
}
