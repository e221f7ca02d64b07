import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { selectBackend } from './backend/backend-selection.ts';
import { FusedAdam, adamUpdate, registerFusedAdam } from './fused-adam.ts';
import { Rng } from './rng.ts';
import { join } from 'node:path';
import { compileWat, wasmSourceDir } from './wasm/build.ts';
import { wasmBase64 } from './wasm/fused-adam.wasm.ts';

beforeAll(async () => {
  await selectBackend('wasm');
  registerFusedAdam();
});

/** Gradients with zeros, tiny and large values, and both signs: the cases where rounding order shows. */
function gradientSeries(rng: Rng, size: number, steps: number): Float32Array[] {
  return Array.from({ length: steps }, (_, step) =>
    Float32Array.from({ length: size }, (_, i) => {
      if (i % 17 === 0) return 0;
      const scale = [1e-8, 1e-3, 1, 50][(i + step) % 4];
      return (rng.uniform() - 0.5) * scale;
    }),
  );
}

/** Trains two copies of the same variables, one with tf.train.adam and one with FusedAdam, on identical gradients. */
function compare(backend: 'wasm' | 'cpu', learningRates: number[]): { tfjs: Float32Array[]; fused: Float32Array[] } {
  const previous = tf.getBackend();
  tf.setBackend(backend);
  try {
    const shapes = [[37, 11], [11], [5]];
    const rng = new Rng(7);
    const initial = shapes.map((s) => Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()));
    const series = shapes.map((_, k) => gradientSeries(rng.fork(`g${k}`), initial[k].length, learningRates.length));
    const run = (
      makeOptimizer: (lr: number) => Pick<tf.Optimizer, 'applyGradients' | 'dispose'>,
      setLr: (o: unknown, lr: number) => void,
    ) => {
      const variables = shapes.map((s, k) => tf.variable(tf.tensor(initial[k], s), true, `${backend}-${Math.random()}-${k}`));
      const optimizer = makeOptimizer(learningRates[0]);
      learningRates.forEach((lr, step) => {
        setLr(optimizer, lr);
        const grads = tf.tidy(() => Object.fromEntries(variables.map((v, k) => [v.name, tf.tensor(series[k][step], shapes[k])])));
        optimizer.applyGradients(grads);
        tf.dispose(Object.values(grads));
      });
      const out = variables.map((v) => v.dataSync() as Float32Array);
      optimizer.dispose();
      tf.dispose(variables);
      return out;
    };
    const tfjs = run(
      (lr) => tf.train.adam(lr),
      (o, lr) => ((o as { learningRate: number }).learningRate = lr),
    );
    const fused = run(
      (lr) => new FusedAdam(lr),
      (o, lr) => (o as FusedAdam).setLearningRate(lr),
    );
    return { tfjs, fused };
  } finally {
    tf.setBackend(previous);
  }
}

describe('FusedAdam', () => {
  it('runs the SIMD module in the wasm backend memory, whose embedded binary matches its source', async () => {
    const backend = tf.findBackend('wasm') as unknown as { wasm: { asm: { memory: unknown } } };
    expect(backend.wasm.asm.memory).toBeInstanceOf(WebAssembly.Memory);
    const binary = await compileWat(join(wasmSourceDir, 'fused-adam.wat'));
    expect(Buffer.from(wasmBase64, 'base64').equals(Buffer.from(binary))).toBe(true);
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`gives bit-identical weights to tf.train.adam over 40 steps with a changing learning rate (${backend})`, () => {
      const rates = Array.from({ length: 40 }, (_, i) => (1.2e-3 * (1 + Math.cos((Math.PI * i) / 40))) / 2 + 1e-5);
      const { tfjs, fused } = compare(backend, rates);
      for (let k = 0; k < tfjs.length; k++) expect(Buffer.from(fused[k].buffer).equals(Buffer.from(tfjs[k].buffer))).toBe(true);
    });
  }

  it('computes one step as the formula by hand', () => {
    // w = 1, g = 0.5, m = v = 0, first step (β1ᵗ = 0.9, β2ᵗ = 0.999): m′ = 0.05, v′ = 0.00025,
    // m̂ ≈ 0.5, v̂ ≈ 0.25, w′ ≈ 1 − 0.1 · 0.5 / (0.5 + 1e-7) = 0.90000002 in exact arithmetic; with
    // the float32 constants (1 − β1ᵗ = 0.100000024, 1 − β2ᵗ = 0.000999987) m̂ = 0.49999988 and
    // v̂ = 0.2500032, so w′ = 1 − 0.1 · 0.49999988 / 0.5000032 = 0.9000007.
    const out = { w: new Float32Array(1), m: new Float32Array(1), v: new Float32Array(1) };
    const f = Math.fround;
    adamUpdate(Float32Array.of(1), Float32Array.of(0.5), new Float32Array(1), new Float32Array(1), out.w, out.m, out.v, {
      beta1: f(0.9),
      beta2: f(0.999),
      oneMinusBeta1: f(0.1),
      oneMinusBeta2: f(0.001),
      oneMinusAccBeta1: f(1 - f(0.9)),
      oneMinusAccBeta2: f(1 - f(0.999)),
      epsilon: f(1e-7),
      negativeLearningRate: f(-0.1),
    });
    expect(out.m[0]).toBeCloseTo(0.05, 7);
    expect(out.v[0]).toBeCloseTo(0.00025, 9);
    expect(out.w[0]).toBeCloseTo(0.9000007, 6);
  });

  it('leaves no tensors behind but its moments, and frees those on dispose', () => {
    const v = tf.variable(tf.ones([4]), true, `fused-adam-leak-${Math.random()}`);
    const before = tf.memory().numTensors;
    const optimizer = new FusedAdam(0.01);
    for (let i = 0; i < 3; i++) {
      const g = { [v.name]: tf.fill([4], 0.1) };
      optimizer.applyGradients(g);
      tf.dispose(Object.values(g));
    }
    expect(tf.memory().numTensors).toBe(before + 2);
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });
});
