/**
 * Builds a real PruneContext around a tiny network with hand-set weights, for golden tests of
 * methods: the same context code the harness uses, on the cpu backend.
 */
import { resolveHyperparameters } from '../jobs/hyperparameters.ts';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { ArchitectureSpec } from '../../engine/architecture.ts';
import { MaskedNetwork } from '../../engine/network.ts';
import type { TrainingRecipe } from '../../engine/recipe.ts';
import { Rng } from '../../engine/rng.ts';
import type { Dataset, WeightMap } from '../../engine/types.ts';
import type { HyperparameterValue, MethodManifest, PruneContext, PruningScope, Structure } from '../../api/method-api.ts';
import { createPruneContext } from '../prune/context.ts';
import { keepCountFor } from '../prune/mask-selection.ts';
import { kernelLayouts } from '../prune/structure.ts';
import { unitTargets } from '../prune/structured-mask-selection.ts';

export const tinyRecipe: TrainingRecipe = {
  optimizer: 'sgd',
  learningRate: 0.1,
  batchSize: 4,
  epochs: 2,
  fineTuneEpochs: 1,
  schedule: { kind: 'constant' },
  selectBestEpoch: false,
};

/** A 2-3-2 ReLU MLP: fc1/kernel [2,3], fc2/kernel [3,2]. */
export const tinyMlp: ArchitectureSpec = {
  id: 'tiny-mlp',
  inputShape: [2],
  layers: [
    { kind: 'dense', name: 'fc1', units: 3, activation: 'relu' },
    { kind: 'dense', name: 'fc2', units: 2, activation: 'linear' },
  ],
};

/** Four labelled points for the tiny MLP. */
export function tinyClassificationData(): Dataset {
  return {
    n: 4,
    inputShape: [2],
    x: Float32Array.from([1, 0, 0, 1, 1, 1, -1, 0.5]),
    y: Int32Array.from([0, 1, 0, 1]),
    outputSize: 2,
  };
}

export interface TinyContextOptions {
  spec?: ArchitectureSpec;
  weights: WeightMap;
  sparsity: number;
  scope?: PruningScope;
  manifest?: MethodManifest;
  hyperparameters?: Record<string, HyperparameterValue>;
  train?: Dataset;
  validation?: Dataset;
  recipe?: TrainingRecipe;
  seed?: number;
  allowWeightTraining?: boolean;
  /** The job's structure (default unstructured); neuron/filter contexts get `target.units` as in a run. */
  structure?: Structure;
}

export async function tinyPruneContext(opts: TinyContextOptions): Promise<{ ctx: PruneContext; network: MaskedNetwork }> {
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  const spec = opts.spec ?? tinyMlp;
  const network = MaskedNetwork.fromWeights(spec, opts.weights);
  const total = network.prunableNames.reduce((s, n) => s + network.variable(n).size, 0);
  const train = opts.train ?? tinyClassificationData();
  const structure = opts.structure ?? { kind: 'unstructured' };
  const units =
    structure.kind === 'neuron' || structure.kind === 'filter' ? unitTargets(kernelLayouts(spec), structure, opts.sparsity) : undefined;
  const ctx = createPruneContext({
    network,
    train,
    validation: opts.validation ?? train,
    recipe: opts.recipe ?? tinyRecipe,
    target: {
      sparsity: opts.sparsity,
      scope: opts.scope ?? opts.manifest?.scope ?? 'global',
      keepCount: keepCountFor(total, opts.sparsity),
      totalPrunable: total,
      ...(units ? { units } : {}),
    },
    structure,
    // As in a run: the manifest's declarations check the defaults merged with the overrides.
    hyperparameters: opts.manifest ? resolveHyperparameters(opts.manifest, opts.hyperparameters) : { ...(opts.hyperparameters ?? {}) },
    rng: new Rng(opts.seed ?? 0),
    taskKind: train.y instanceof Int32Array ? 'classification' : 'regression',
    allowWeightTraining: opts.allowWeightTraining ?? opts.manifest?.when !== 'strong-ticket',
  });
  return { ctx, network };
}

/**
 * ∂L/∂K of the mean softmax cross-entropy of the tiny 2-3-2 ReLU MLP on tinyClassificationData, at
 * kernels K (fc1 [i·3 + j], fc2 [j·2 + k]) and the given biases, computed by hand in float64; also
 * ∂L/∂b of both biases (`fc1/bias`, `fc2/bias`).
 */
export function tinyMlpKernelGradients(biases: WeightMap, k1: number[], k2: number[]): Record<string, number[]> {
  const data = tinyClassificationData();
  const xs = [0, 1, 2, 3].map((i) => [data.x[2 * i], data.x[2 * i + 1]]);
  const labels = [...data.y];
  const b1 = biases['fc1/bias'];
  const b2 = biases['fc2/bias'];
  const g1 = new Array<number>(6).fill(0);
  const g2 = new Array<number>(6).fill(0);
  const gb1 = new Array<number>(3).fill(0);
  const gb2 = new Array<number>(2).fill(0);
  xs.forEach((x, b) => {
    const z = [0, 1, 2].map((j) => x[0] * k1[j] + x[1] * k1[3 + j] + b1[j]);
    const h = z.map((v) => Math.max(v, 0));
    const logits = [0, 1].map((k) => h[0] * k2[k] + h[1] * k2[2 + k] + h[2] * k2[4 + k] + b2[k]);
    const e = logits.map((v) => Math.exp(v - Math.max(...logits)));
    const d = [0, 1].map((k) => (e[k] / (e[0] + e[1]) - (labels[b] === k ? 1 : 0)) / xs.length);
    for (let k = 0; k < 2; k++) gb2[k] += d[k];
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 2; k++) g2[2 * j + k] += h[j] * d[k];
      const back = z[j] > 0 ? d[0] * k2[2 * j] + d[1] * k2[2 * j + 1] : 0;
      for (let i = 0; i < 2; i++) g1[3 * i + j] += x[i] * back;
      gb1[j] += back;
    }
  });
  return { 'fc1/kernel': g1, 'fc2/kernel': g2, 'fc1/bias': gb1, 'fc2/bias': gb2 };
}
