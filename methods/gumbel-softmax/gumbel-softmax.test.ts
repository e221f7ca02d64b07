import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MethodManifest, PruneContext, PruneResult, WeightMap } from '../../api/method-api.ts';
import { countKept, keepCountFor, masksFromScores } from '../../harness/prune/mask-selection.ts';
import { tinyMlpKernelGradients, tinyPruneContext } from '../../harness/testing/tiny-context.ts';
import { gatedLoss, initialLogits, prune, searchGates, type GateState } from './index.ts';
import { keepLogit, logisticNoise, temperatureAt } from './schedule.ts';

const manifest = JSON.parse(readFileSync(new URL('./manifest.json', import.meta.url), 'utf8')) as MethodManifest;
const names = ['fc1/kernel', 'fc2/kernel'];
const shapes = { 'fc1/kernel': [2, 3], 'fc2/kernel': [3, 2] };

const weights: WeightMap = {
  'fc1/kernel': Float32Array.from([0.5, -0.3, 0.8, -0.6, 0.9, 0.2]),
  'fc1/bias': Float32Array.from([0.15, -0.2, 0.05]),
  'fc2/kernel': Float32Array.from([0.7, -0.4, -0.5, 0.6, 0.3, 0.9]),
  'fc2/bias': Float32Array.from([0, 0.1]),
};
const logits: Record<string, number[]> = {
  'fc1/kernel': [1.2, -0.4, 0.3, 0.9, -1.1, 0.05],
  'fc2/kernel': [0.6, -0.2, 1.5, -0.7, 0.1, 0.4],
};
// A fixed logistic noise draw l per weight.
const noise: Record<string, number[]> = {
  'fc1/kernel': [0.3, -1.2, 0.8, -0.1, 0.5, -0.6],
  'fc2/kernel': [-0.4, 0.9, -0.3, 1.1, 0.2, -0.8],
};

const kernelGradients = (k1: number[], k2: number[]) => tinyMlpKernelGradients(weights, k1, k2);

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/** By hand: m = σ((θ + l)/τ), W′ = c·W ⊙ m, ∂L/∂θ = ∂L/∂W′ ⊙ c·W ⊙ m(1 − m)/τ, ∂L/∂c = Σ ∂L/∂W′ ⊙ W ⊙ m. */
function handGradients(theta: Record<string, number[]>, l: Record<string, number[]>, tau: number, scale: Record<string, number>) {
  const m = Object.fromEntries(names.map((n) => [n, theta[n].map((t, i) => sigmoid((t + l[n][i]) / tau))]));
  const effective = Object.fromEntries(names.map((n) => [n, m[n].map((g, i) => scale[n] * weights[n][i] * g)]));
  const g = kernelGradients(effective['fc1/kernel'], effective['fc2/kernel']);
  return {
    logits: Object.fromEntries(names.map((n) => [n, g[n].map((v, i) => (v * scale[n] * weights[n][i] * m[n][i] * (1 - m[n][i])) / tau)])),
    scales: Object.fromEntries(names.map((n) => [n, g[n].reduce((s, v, i) => s + v * weights[n][i] * m[n][i], 0)])),
  };
}

function stateFor(ctx: PruneContext, theta: Record<string, number[]>, scale: Record<string, number> | null): GateState {
  const { tf } = ctx;
  return {
    weights: Object.fromEntries(names.map((n) => [n, tf.tensor(weights[n], shapes[n as keyof typeof shapes])])),
    logits: Object.fromEntries(names.map((n) => [n, tf.variable(tf.tensor(theta[n], shapes[n as keyof typeof shapes]))])),
    scales: scale ? Object.fromEntries(names.map((n) => [n, tf.variable(tf.scalar(scale[n]))])) : null,
  };
}

const sgd = (learningRate: number) => ({ optimizer: 'sgd' as const, learningRate, batchSize: 4, schedule: { kind: 'constant' as const } });

describe('gumbel-softmax gates', () => {
  it('gives the gate-logit gradient of the hand chain rule, with a fixed noise draw, at τ = 0.5', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    const { tf } = ctx;
    const state = stateFor(ctx, logits, null);
    const fixedNoise = Object.fromEntries(names.map((n) => [n, tf.tensor(noise[n], shapes[n as keyof typeof shapes])]));
    const [batch] = [...ctx.trainBatches(1, 4)];
    const { grads } = tf.variableGrads(
      () => gatedLoss(ctx, state, batch, fixedNoise, 0.5),
      names.map((n) => state.logits[n]),
    );
    const expected = handGradients(logits, noise, 0.5, { 'fc1/kernel': 1, 'fc2/kernel': 1 });
    for (const n of names) [...grads[state.logits[n].name].dataSync()].forEach((g, i) => expect(g).toBeCloseTo(expected.logits[n][i], 6));
    // The gradient is not trivially zero anywhere it matters.
    expect(names.some((n) => expected.logits[n].some((g) => Math.abs(g) > 1e-3))).toBe(true);
    network.dispose();
  });

  it('with rescaling, gives the hand gradients of the logits and of each layer scale', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    const { tf } = ctx;
    const scale = { 'fc1/kernel': 1.5, 'fc2/kernel': 0.8 };
    const state = stateFor(ctx, logits, scale);
    const fixedNoise = Object.fromEntries(names.map((n) => [n, tf.tensor(noise[n], shapes[n as keyof typeof shapes])]));
    const [batch] = [...ctx.trainBatches(1, 4)];
    const variables = [...names.map((n) => state.logits[n]), ...names.map((n) => state.scales![n])];
    const { grads } = tf.variableGrads(() => gatedLoss(ctx, state, batch, fixedNoise, 0.7), variables);
    const expected = handGradients(logits, noise, 0.7, scale);
    for (const n of names) {
      [...grads[state.logits[n].name].dataSync()].forEach((g, i) => expect(g).toBeCloseTo(expected.logits[n][i], 6));
      expect(grads[state.scales![n].name].dataSync()[0]).toBeCloseTo(expected.scales[n], 6);
    }
    network.dispose();
  });

  it('anneals the temperature exponentially from τ₀ to τ_end, and starts every logit at logit(density)', () => {
    expect(temperatureAt(0, 1, 0.1)).toBe(1);
    expect(temperatureAt(0.5, 1, 0.1)).toBeCloseTo(Math.sqrt(0.1), 12);
    expect(temperatureAt(1, 1, 0.1)).toBeCloseTo(0.1, 12);
    expect(temperatureAt(0.25, 2, 0.5)).toBeCloseTo(2 * Math.pow(0.25, 0.25), 12);
    expect(keepLogit(0.5)).toBe(0);
    expect(keepLogit(0.25)).toBeCloseTo(Math.log(1 / 3), 12);
    // u = 0.5 is no noise; u = 0.75 gives log 3.
    expect([...logisticNoise(Float32Array.from([0.5, 0.75]))].map((v) => Number(v.toFixed(6)))).toEqual([
      0,
      Number(Math.log(3).toFixed(6)),
    ]);
  });

  it('takes each SGD step with its seeded noise draw and the annealed temperature (two steps, τ 1 then √0.1)', async () => {
    const { ctx, network } = await tinyPruneContext({ weights, sparsity: 0.5, manifest });
    const start: WeightMap = Object.fromEntries(names.map((n) => [n, Float32Array.from(logits[n])]));
    const result = searchGates(ctx, { recipe: sgd(1), epochs: 2, initialTemperature: 1, finalTemperature: 0.1, rescale: false }, start);
    network.dispose();
    // The noise the search draws: fork 'gumbel-noise', then 'step:t', then the layer name.
    const drawn = (step: number) =>
      Object.fromEntries(
        names.map((n) => [n, [...logisticNoise(ctx.rng.fork('gumbel-noise').fork(`step:${step}`).fork(n).uniformArray(6))]]),
      );
    const one = { 'fc1/kernel': 1, 'fc2/kernel': 1 };
    const g0 = handGradients(logits, drawn(0), 1, one).logits;
    const theta1 = Object.fromEntries(names.map((n) => [n, logits[n].map((t, i) => t - g0[n][i])]));
    const g1 = handGradients(theta1, drawn(1), Math.sqrt(0.1), one).logits;
    for (const n of names) result[n].forEach((t, i) => expect(t).toBeCloseTo(theta1[n][i] - g1[n][i], 5));
  });
});

describe('gumbel-softmax prune', () => {
  it('keeps exactly n − round(s·n) per layer, never trains the weights, and is seeded', async () => {
    const run = async (sparsity: number, seed: number) => {
      const { ctx, network } = await tinyPruneContext({ weights, sparsity, manifest, seed, hyperparameters: { epochs: 3 } });
      const spy: PruneContext = {
        ...ctx,
        train: () => {
          throw new Error('gumbel-softmax must not train the weights');
        },
      };
      const start = initialLogits(ctx);
      const result = (await prune(spy)) as PruneResult;
      const after = network.getWeights();
      network.dispose();
      if (!('scores' in result)) throw new Error('gumbel-softmax returns scores');
      for (const name of Object.keys(weights)) expect([...after[name]]).toEqual([...weights[name]]);
      return { scores: result.scores, start };
    };
    for (const sparsity of [0.3, 0.5, 0.8]) {
      const { scores, start } = await run(sparsity, 1);
      // Prior keep probability = the layer's kept fraction: at s = 0.5, logit(0.5) = 0.
      expect(start['fc1/kernel'][0]).toBeCloseTo(keepLogit(keepCountFor(6, sparsity) / 6), 6);
      expect([...scores['fc1/kernel']]).not.toEqual([...start['fc1/kernel']]);
      const masks = masksFromScores(scores, names, shapes, sparsity, manifest.scope, 0);
      for (const name of names) expect(countKept(masks, [name])).toBe(keepCountFor(6, sparsity));
    }
    const a = await run(0.5, 1);
    const b = await run(0.5, 1);
    const c = await run(0.5, 2);
    expect(names.map((n) => [...a.scores[n]])).toEqual(names.map((n) => [...b.scores[n]]));
    expect(names.map((n) => [...c.scores[n]])).not.toEqual(names.map((n) => [...a.scores[n]]));
  });
});
