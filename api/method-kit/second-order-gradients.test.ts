import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../../engine/gradients.ts';
import { selectBackend } from '../../engine/backend/backend-selection.ts';
import { Rng } from '../../engine/rng.ts';
import { withSecondOrderGradients } from './second-order-gradients.ts';

type Shape4 = [number, number, number, number];

const rng = new Rng(5);
const values = (shape: number[], offset = -0.5) =>
  Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.uniform() + offset);
const dot = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(a, b)).dataSync()[0];

beforeAll(async () => {
  // Both backends start here, so each test can switch between them.
  await selectBackend('wasm');
  await selectBackend('cpu');
});

describe.each(['cpu', 'wasm'] as const)('second derivatives on %s', (backend) => {
  beforeAll(async () => {
    await selectBackend(backend);
  });

  // Channel 0 all negative (dead after a ReLU: windows of tied zeros), channel 1 mixed, channel 2 positive.
  const poolShape: Shape4 = [2, 6, 6, 3];
  const pooledShape: Shape4 = [2, 3, 3, 3];
  const input = Float32Array.from(values(poolShape), (v, i) => (i % 3 === 0 ? -0.6 - Math.abs(v) : i % 3 === 1 ? v : v + 1));

  it.each([
    ['after a ReLU (windows of tied zeros)', true],
    ['of negative inputs (windows of values ≤ 0)', false],
  ])("MaxPoolGrad's gradient in dy is the adjoint of MaxPoolGrad %s", (_, relu) =>
    withSecondOrderGradients(tf, () => {
      const x = tf.tensor4d(input, poolShape);
      const cotangent = tf.tensor4d(values(poolShape), poolShape);
      const pooledGradient = tf.tensor4d(values(pooledShape), pooledShape);
      const activation = (p: tf.Tensor) => (relu ? tf.relu(p) : p) as tf.Tensor4D;
      // MaxPoolGrad(dy) = ∂⟨maxPool(x), dy⟩/∂x (without the ReLU's own step in the way).
      const maxPoolGrad = (dy: tf.Tensor) =>
        tf.grads((h: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(h as tf.Tensor4D, 2, 2, 'valid'), dy)))([activation(x)])[0];
      // Its gradient in dy, applied to the cotangent: what the second derivative uses.
      const adjoint = tf.grads((dy: tf.Tensor) => tf.sum(tf.mul(maxPoolGrad(dy), cotangent)))([pooledGradient])[0];
      // ⟨P ddx, dy'⟩ = ⟨ddx, Pᵀ dy'⟩ for any dy', and P reads one position of each window.
      const probe = tf.tensor4d(values(pooledShape), pooledShape);
      expect(dot(adjoint, probe)).toBeCloseTo(dot(cotangent, maxPoolGrad(probe)), 5);
      const routed = maxPoolGrad(tf.onesLike(pooledGradient)).dataSync();
      const ddx = cotangent.dataSync();
      const adjointValues = adjoint.dataSync();
      for (let n = 0; n < 2; n++)
        for (let r = 0; r < 3; r++)
          for (let c = 0; c < 3; c++)
            for (let ch = 0; ch < 3; ch++) {
              const window = [0, 1].flatMap((dr) => [0, 1].map((dc) => ((n * 6 + 2 * r + dr) * 6 + 2 * c + dc) * 3 + ch));
              const chosen = window.filter((i) => routed[i] === 1);
              expect(chosen).toHaveLength(1);
              expect(adjointValues[((n * 3 + r) * 3 + c) * 3 + ch]).toBe(ddx[chosen[0]]);
            }
    }),
  );

  it("Conv2DBackpropFilter's gradients are the bilinear map's: ⟨ddW, ∂W(x, dy)⟩ = ⟨conv(x, ddW), dy⟩", () =>
    withSecondOrderGradients(tf, () => {
      const x = tf.tensor4d(values([2, 7, 7, 3]), [2, 7, 7, 3]);
      const kernel = tf.tensor4d(values([3, 3, 3, 4]), [3, 3, 3, 4]);
      const dy = tf.tensor4d(values([2, 5, 5, 4]), [2, 5, 5, 4]);
      const ddW = tf.tensor4d(values([3, 3, 3, 4]), [3, 3, 3, 4]);
      const kernelGradient = (xx: tf.Tensor, g: tf.Tensor) =>
        tf.grads((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xx as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid'), g)))([kernel])[0];
      const [byX, byDy] = tf.grads((xx: tf.Tensor, g: tf.Tensor) => tf.sum(tf.mul(kernelGradient(xx, g), ddW)))([x, dy]);
      // The functional is ⟨conv(x, ddW), dy⟩: linear in x and in dy, so its gradients are checked by inner products.
      const probeX = tf.tensor4d(values([2, 7, 7, 3]), [2, 7, 7, 3]);
      const probeDy = tf.tensor4d(values([2, 5, 5, 4]), [2, 5, 5, 4]);
      expect(dot(byX, probeX)).toBeCloseTo(dot(tf.conv2d(probeX, ddW, 1, 'valid'), dy), 4);
      expect(dot(byDy, probeDy)).toBeCloseTo(dot(tf.conv2d(x, ddW, 1, 'valid'), probeDy), 4);
    }));

  it('refuses overlapping pooling windows by name', () => {
    const x = tf.tensor4d(input, poolShape);
    const dy = tf.ones([2, 5, 5, 3]);
    const second = () =>
      tf.grads((g: tf.Tensor) =>
        tf.sum(tf.grads((h: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(h as tf.Tensor4D, 2, 1, 'valid'), g)))([x])[0]),
      )([dy]);
    expect(() => withSecondOrderGradients(tf, second)).toThrow(/no second derivative of MaxPoolGrad for overlapping or padded windows/);
  });

  it('adds the missing gradients for the call only', () => {
    expect(tf.getGradient('MaxPoolGrad')).toBeUndefined();
    const during = withSecondOrderGradients(tf, () => [tf.getGradient('MaxPoolGrad'), tf.getGradient('Conv2DBackpropFilter')]);
    expect(during.every((g) => g !== undefined)).toBe(true);
    expect(tf.getGradient('MaxPoolGrad')).toBeUndefined();
    expect(tf.getGradient('Conv2DBackpropFilter')).toBeUndefined();
  });
});
