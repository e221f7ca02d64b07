import type { OptimizeOptions, PruneContext, PruneResult, StepInfo, TrainingRecipe, WeightMap } from '../../harness/method-api.ts';
import { largestMask } from '../../harness/method-kit/largest-mask.ts';
import { hyperparameters } from '../../harness/method-kit/hyperparameters.ts';
import { recycleCount, recycleLayer, recyclesAfter } from './recycle.ts';

type Tensor = Parameters<PruneContext['forward']>[0];
type Scalar = ReturnType<PruneContext['loss']>;
type Variable = OptimizeOptions['variables'][string];

export interface RecyclingSearch {
  /** Overrides of the task recipe for the score optimiser. */
  recipe: Partial<TrainingRecipe>;
  epochs: number;
  steps?: number;
  /** L2 penalty wd/2·‖s‖² on the scores. */
  weightDecay: number;
  /** Fraction of each layer recycled at each recycling step. */
  rate: number;
  /** Whether to recycle after this step. */
  recycleAfter: (info: StepInfo) => boolean;
}

export interface SearchResult {
  /** Final signed scores. */
  scores: WeightMap;
  /** Each prunable layer's weights after the last recycling step. */
  weights: WeightMap;
  /** Recycling steps done. */
  recyclings: number;
}

/**
 * IWR (Gorbett & Whitley 2023): edge-popup's score search on the frozen random weights, where at
 * every epoch boundary of the first `recycleUntil` of the search each layer's ⌊rate·n⌋
 * lowest-|score| weights take the values of its ⌊rate·n⌋ highest-|score| ones. The scores are not
 * reset. Returns |s| with the recycled weights, which the harness checks are the layer's own
 * initial values and evaluates under the top-k mask.
 */
export function prune(ctx: PruneContext): PruneResult {
  const result = searchWithRecycling(ctx, kaimingUniformScores(ctx), readSettings(ctx));
  return { scores: Object.fromEntries(Object.entries(result.scores).map(([name, s]) => [name, s.map(Math.abs)])), recycledWeights: result.weights };
}

/** U(−1/√fan_in, 1/√fan_in), as edge-popup's reference code initialises its scores. */
export function kaimingUniformScores(ctx: PruneContext): WeightMap {
  const scores: WeightMap = {};
  for (const p of ctx.network.parameters) {
    if (!p.prunable) continue;
    const bound = 1 / Math.sqrt(p.fanIn);
    scores[p.name] = ctx.rng.fork(`scores:${p.name}`).uniformArray(p.shape.reduce((a, b) => a * b, 1), -bound, bound);
  }
  return scores;
}

/** The score search with the harness's loop; the weights change only by recycling, between steps. */
export function searchWithRecycling(ctx: PruneContext, initialScores: WeightMap, search: RecyclingSearch): SearchResult {
  const { tf } = ctx;
  const names = [...ctx.network.prunableNames];
  const shapes = Object.fromEntries(ctx.network.parameters.map((p) => [p.name, p.shape]));
  const current = ctx.network.getWeights(names);
  const weights: Record<string, Variable> = Object.fromEntries(names.map((name) => [name, tf.variable(tf.tensor(current[name], shapes[name]), false)]));
  const scores: Record<string, Variable> = Object.fromEntries(names.map((name) => [name, tf.variable(tf.tensor(initialScores[name], shapes[name]))]));
  const popups = Object.fromEntries(names.map((name) => [name, straightThroughTopK(ctx, current[name].length - Math.round(ctx.target.sparsity * current[name].length))]));
  let recyclings = 0;
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
      afterStep: (info) => {
        if (!search.recycleAfter(info)) return;
        for (const name of names) {
          const magnitudes = scores[name].dataSync().map(Math.abs);
          current[name] = recycleLayer(current[name], magnitudes, recycleCount(current[name].length, search.rate));
          tf.tidy(() => weights[name].assign(tf.tensor(current[name], shapes[name])));
        }
        recyclings++;
      },
    });
    return { scores: Object.fromEntries(names.map((name) => [name, scores[name].dataSync().slice() as Float32Array])), weights: current, recyclings };
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

function readSettings(ctx: PruneContext): RecyclingSearch {
  const h = hyperparameters(ctx);
  const optimizer = h.choice('optimizer', ['sgd', 'momentum', 'adam'] as const);
  const epochs = h.epochs('epochs');
  const until = h.number('recycleUntil');
  return {
    recipe: { optimizer, learningRate: h.number('learningRate'), momentum: h.number('momentum'), schedule: { kind: 'cosine' } },
    epochs,
    weightDecay: h.number('weightDecay'),
    rate: h.number('recycleRate'),
    recycleAfter: (info) => recyclesAfter(info.step, info.totalSteps, epochs, until),
  };
}
