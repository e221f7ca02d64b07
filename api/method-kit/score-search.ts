/**
 * The edge-popup score search (Ramanujan et al. 2020), shared by the strong-ticket methods that
 * build on it: the weights stay frozen, a score per weight is trained instead. The forward pass
 * uses W ⊙ h(|s|), h keeping each layer's top-k |s|, and the backward pass treats h as the identity
 * (straight-through), so ∂L/∂s = sign(s)·(∂L/∂W′ ⊙ W). A method may change the frozen values
 * between steps (IWR recycles them); the search itself never trains them.
 */
import type { OptimizeOptions, PruneContext, StepInfo, TrainingRecipe, WeightMap } from '../method-api.ts';
import { largestMask } from './largest-mask.ts';

type Tensor = Parameters<PruneContext['forward']>[0];
type Scalar = ReturnType<PruneContext['loss']>;
type Variable = OptimizeOptions['variables'][string];

export interface ScoreSearch {
  /** Overrides of the task recipe for the score optimiser. */
  recipe: Partial<TrainingRecipe>;
  epochs?: number;
  steps?: number;
  /** L2 penalty wd/2·‖s‖² on the scores. */
  weightDecay: number;
  /**
   * Called after each optimiser step with the current scores (read when called) and frozen weights;
   * returns new frozen values for the layers it changes (or nothing).
   */
  afterStep?: (info: StepInfo, scores: () => WeightMap, weights: WeightMap) => WeightMap | undefined;
}

export interface ScoreSearchResult {
  /** Final signed scores. */
  scores: WeightMap;
  /** The frozen weights at the end (the network's, unless afterStep changed them). */
  weights: WeightMap;
}

/** U(−1/√fan_in, 1/√fan_in): PyTorch's kaiming_uniform_ with a = √5, edge-popup's reference score initialisation. */
export function kaimingUniformScores(ctx: PruneContext): WeightMap {
  const scores: WeightMap = {};
  for (const p of ctx.network.parameters) {
    if (!p.prunable) continue;
    const bound = 1 / Math.sqrt(p.fanIn);
    scores[p.name] = ctx.rng.fork(`scores:${p.name}`).uniformArray(
      p.shape.reduce((a, b) => a * b, 1),
      -bound,
      bound,
    );
  }
  return scores;
}

/** Forward: the 0/1 mask of the `keep` largest entries (ties to the lowest index). Backward: the identity. */
function straightThroughTopK(ctx: PruneContext, keep: number): (magnitudes: Tensor) => Tensor {
  const { tf } = ctx;
  return tf.customGrad((...inputs) => {
    const magnitudes = inputs[0] as Tensor;
    return { value: tf.tensor(largestMask(magnitudes.dataSync(), keep), magnitudes.shape), gradFunc: (dy: Tensor) => dy };
  });
}

/** Optimises the scores with the harness's loop on the frozen weights. */
export function searchScores(ctx: PruneContext, initialScores: WeightMap, search: ScoreSearch): ScoreSearchResult {
  const { tf } = ctx;
  const names = [...ctx.network.prunableNames];
  const shapes = Object.fromEntries(ctx.network.parameters.map((p) => [p.name, p.shape]));
  const current = ctx.network.getWeights(names);
  const weights: Record<string, Variable> = Object.fromEntries(
    names.map((name) => [name, tf.variable(tf.tensor(current[name], shapes[name]), false)]),
  );
  const scores: Record<string, Variable> = Object.fromEntries(
    names.map((name) => [name, tf.tidy(() => tf.variable(tf.tensor(initialScores[name], shapes[name])))]),
  );
  const popups = Object.fromEntries(
    names.map((name) => [name, straightThroughTopK(ctx, current[name].length - Math.round(ctx.target.sparsity * current[name].length))]),
  );
  const scoreValues = () => Object.fromEntries(names.map((name) => [name, scores[name].dataSync().slice() as Float32Array]));
  try {
    ctx.optimize({
      variables: scores,
      recipe: search.recipe,
      epochs: search.epochs,
      steps: search.steps,
      loss: (batch) => {
        const override = Object.fromEntries(names.map((name) => [name, tf.mul(weights[name], popups[name](tf.abs(scores[name])))]));
        const loss = ctx.loss(ctx.forward(batch.x, override), batch.y);
        if (search.weightDecay === 0) return loss;
        return tf.add(loss, tf.mul(search.weightDecay / 2, tf.addN(names.map((name) => tf.sum(tf.square(scores[name])))))) as Scalar;
      },
      afterStep: search.afterStep
        ? (info) => {
            const changed = search.afterStep!(info, scoreValues, current);
            for (const [name, values] of Object.entries(changed ?? {})) {
              current[name] = values;
              tf.tidy(() => weights[name].assign(tf.tensor(values, shapes[name])));
            }
          }
        : undefined,
    });
    return { scores: scoreValues(), weights: current };
  } finally {
    for (const name of names) {
      weights[name].dispose();
      scores[name].dispose();
    }
  }
}
