import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng.ts';
import { countEdges, evaluateTarget } from './target-network.ts';
import {
  CIRCLE_LINES,
  CIRCLE_RING_BOUNDS,
  GATE_OFFSET,
  GATE_STRENGTH,
  STRIPE_BOUNDS,
  STRIPE_LINES,
  alternatingHinges,
  buildTarget,
  circleTarget,
  classLines,
  disparityTarget,
  helixPoint,
  helixTarget,
  interpolationWeights,
  rankClasses,
  reluTarget,
  stripeCoordinate,
} from './targets.ts';

function uniformInputs(n: number, d: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: n * d }, () => rng.uniformIn(-1, 1));
}

function argmax(values: Float64Array, row: number, width: number): number {
  let best = 0;
  for (let k = 1; k < width; k++) if (values[row * width + k] > values[row * width + best]) best = k;
  return best;
}

describe('class lines', () => {
  it('switch class exactly at the bounds', () => {
    for (const [lines, bounds] of [
      [CIRCLE_LINES, CIRCLE_RING_BOUNDS],
      [STRIPE_LINES, STRIPE_BOUNDS],
    ] as const) {
      bounds.forEach((b, k) => {
        expect(rankClasses(lines, b - 1e-9).best).toBe(k);
        expect(rankClasses(lines, b + 1e-9).best).toBe(k + 1);
      });
    }
  });

  it('give the paper intercepts for Circle (50 · (0.1s, 0.2s − 0.02, 0.4s − 0.12, 0.8s − 0.40))', () => {
    expect(CIRCLE_LINES.intercepts.map((b) => +b.toFixed(12))).toEqual([0, -1, -6, -20]);
  });

  it('rank an adjacent class second', () => {
    for (let s = 0; s <= 2; s += 0.001) {
      const { best, runnerUp } = rankClasses(CIRCLE_LINES, s);
      expect(Math.abs(best - runnerUp)).toBe(1);
    }
  });

  it('reject slopes that do not increase', () => {
    expect(() => classLines([1, 1], [0])).toThrow(/increase/);
  });
});

describe('hinge interpolation', () => {
  it('interpolates a function linearly between the knots and extends the last slope', () => {
    const set = alternatingHinges([[0, 1]], -1, 2, 7);
    const fn = (t: number) => Math.sin(3 * t) + t * t;
    const { weights, bias } = interpolationWeights(set, fn);
    const hinge = (t: number) => weights.reduce((sum, w, k) => sum + w * Math.max(0, set.signs[k] * (t - set.knots[k])), bias);
    const spacing = set.knots[1] - set.knots[0];
    for (let k = 0; k < set.knots.length; k++) {
      const left = set.knots[k];
      const right = left + spacing;
      for (const f of [0, 0.3, 0.75]) {
        const t = left + f * spacing;
        const linear = fn(left) + f * (fn(right) - fn(left));
        expect(hinge(t)).toBeCloseTo(linear, 10);
      }
    }
  });

  it('uses alternating signs starting with +', () => {
    expect(alternatingHinges([[0, 1]], 0, 1, 5).signs).toEqual([1, -1, 1, -1, 1]);
  });
});

describe('targets', () => {
  const n = 4000;

  it('ReLU is an exact chain of single neurons of weight 1', () => {
    for (const depth of [2, 5, 10]) {
      const t = reluTarget(depth);
      expect(t.layers.map(countEdges)).toEqual(Array(depth).fill(1));
      const x = uniformInputs(n, 1, depth);
      const y = evaluateTarget(t, x, n);
      for (let i = 0; i < n; i++) expect(y[i]).toBe(Math.max(0, x[i]));
    }
  });

  it('Circle classifies the rings at every depth', () => {
    for (const depth of [2, 3, 4, 5, 6, 10]) {
      const x = uniformInputs(n, 2, 100 + depth);
      const y = evaluateTarget(circleTarget(depth), x, n);
      let correct = 0;
      for (let i = 0; i < n; i++) {
        if (argmax(y, i, 4) === rankClasses(CIRCLE_LINES, x[2 * i] ** 2 + x[2 * i + 1] ** 2).best) correct++;
      }
      expect(correct / n, `depth ${depth}`).toBeGreaterThan(0.95);
    }
  });

  it('Circle uses 10 knots per coordinate, or 20 split between the mirrored components', () => {
    expect(circleTarget(2).layers[0].nOut).toBe(20);
    expect(circleTarget(3).layers.map((l) => l.nOut)).toEqual([4, 20, 4]);
    expect(circleTarget(5).layers.map((l) => l.nOut)).toEqual([4, 2, 3, 20, 4]);
    expect(circleTarget(10).layers.map((l) => l.nOut)).toEqual([4, 2, 3, 3, 3, 3, 3, 3, 20, 4]);
  });

  it('Helix approximates the curve within the hinge error at every depth', () => {
    for (const depth of [2, 3, 4, 5, 10]) {
      const t = helixTarget(depth);
      expect(Math.max(...t.layers.map((l) => l.nOut))).toBe(30);
      const x = uniformInputs(n, 1, 200 + depth);
      const y = evaluateTarget(t, x, n);
      let se = 0;
      for (let i = 0; i < n; i++) {
        const p = helixPoint(x[i]);
        for (let j = 0; j < 3; j++) se += (y[3 * i + j] - p[j]) ** 2;
      }
      expect(se / (3 * n), `depth ${depth}`).toBeLessThan(4e-4);
    }
  });

  it('the helix height is linear, so its output takes a single hinge', () => {
    const last = helixTarget(3).layers[2];
    let edges = 0;
    for (let i = 0; i < last.nIn; i++) if (last.kernel[i * 3 + 2] !== 0) edges++;
    expect(edges).toBe(1);
  });

  it('disparity follows the Circle branch for g = 0 and the stripe branch for g = 1', () => {
    for (const depth of [3, 5, 10]) {
      const t = disparityTarget(depth);
      const x = uniformInputs(n, 3, 300 + depth);
      for (let i = 0; i < n; i++) x[3 * i + 2] = i % 2;
      const y = evaluateTarget(t, x, n);
      const circle = evaluateTarget(
        circleTarget(depth - 1),
        Float64Array.from({ length: 2 * n }, (_, k) => x[3 * Math.floor(k / 2) + (k % 2)]),
        n,
      );
      for (let i = 0; i < n; i++) {
        if (i % 2 === 0) {
          for (let k = 0; k < 4; k++) expect(y[4 * i + k]).toBeCloseTo(circle[4 * i + k], 9);
        } else {
          const s = stripeCoordinate(x[3 * i], x[3 * i + 1]);
          for (let k = 0; k < 4; k++) expect(y[4 * i + k]).toBeCloseTo(STRIPE_LINES.slopes[k] * s + STRIPE_LINES.intercepts[k], 9);
        }
        // The gates are exact only while every branch logit z satisfies 0 < z + C < M.
        for (let k = 0; k < 4; k++) expect(y[4 * i + k] + GATE_OFFSET).toBeGreaterThan(0);
        for (let k = 0; k < 4; k++) expect(y[4 * i + k] + GATE_OFFSET).toBeLessThan(GATE_STRENGTH);
      }
    }
  });

  it('disparity sub-tickets share no edge', () => {
    const t = disparityTarget(5);
    for (const layer of t.layers) {
      for (let e = 0; e < layer.kernel.length; e++) if (layer.kernel[e] !== 0) expect([0, 1]).toContain(layer.edgeTicket[e]);
    }
  });

  it('rejects depths too shallow to express the target', () => {
    expect(() => buildTarget('relu', 1)).toThrow(/depth/);
    expect(() => buildTarget('circle', 1)).toThrow(/depth/);
    expect(() => buildTarget('disparity', 2)).toThrow(/depth/);
  });
});
