import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng.ts';
import { mlpArchitecture } from './architecture.ts';
import { forwardMlp } from './ticket-score.ts';
import { type MotherNetwork, initialiseMother, plantTarget } from './plant.ts';
import { emptyLayer, evaluateTarget, setWeight, type TargetNetwork } from './target-network.ts';
import { type PlantedTarget, buildTarget } from './targets.ts';

function cloneMother(m: MotherNetwork): MotherNetwork {
  return { widths: [...m.widths], kernels: m.kernels.map((k) => k.slice()), biases: m.biases.map((b) => b.slice()) };
}

function asWeights(m: MotherNetwork, kernels = m.kernels, biases = m.biases) {
  return Object.fromEntries(
    m.kernels.flatMap((_, l) => [
      [`fc${l + 1}/kernel`, kernels[l]],
      [`fc${l + 1}/bias`, biases[l]],
    ]),
  );
}

function std(values: Float32Array): number {
  let sq = 0;
  for (const v of values) sq += v * v;
  return Math.sqrt(sq / values.length);
}

describe('mother initialisation', () => {
  it('draws weights N(0, 2/n_in) and biases N(0, σ_l²) with σ_l = Π sqrt(2/n_{k−1})', () => {
    const widths = [2, 400, 400, 4];
    const m = initialiseMother(widths, new Rng(3));
    let sigma = 1;
    m.kernels.forEach((kernel, l) => {
      expect(kernel.length).toBe(widths[l] * widths[l + 1]);
      const expected = Math.sqrt(2 / widths[l]);
      // Relative standard error of a sample std is about 1/sqrt(2n); allow 5 of them.
      expect(Math.abs(std(kernel) / expected - 1)).toBeLessThan(5 / Math.sqrt(2 * kernel.length));
      sigma *= expected;
      expect(Math.abs(std(m.biases[l]) / sigma - 1)).toBeLessThan(5 / Math.sqrt(2 * m.biases[l].length));
    });
  });
});

describe('planting', () => {
  const cases: Array<[PlantedTarget, number, number]> = [
    ['relu', 5, 100],
    ['circle', 3, 100],
    ['circle', 5, 100],
    ['circle', 10, 100],
    ['helix', 5, 100],
    ['disparity', 5, 100],
  ];

  it.each(cases)('the masked %s mother (depth %i, width %i) computes diag(scale) · f_target', (name, depth, width) => {
    const target = buildTarget(name, depth);
    const widths = [target.dIn, ...Array(depth - 1).fill(width), target.dOut];
    const result = plantTarget(target, initialiseMother(widths, new Rng(depth)), { sharedOutputScale: false });
    const masked = asWeights(
      result.mother,
      result.mother.kernels.map((k, l) => k.map((v, i) => v * result.kernelMasks[l][i])),
      result.mother.biases.map((b, l) => b.map((v, i) => v * result.biasMasks[l][i])),
    );
    const n = 500;
    const rng = new Rng(11);
    const x = Float32Array.from({ length: n * target.dIn }, () => rng.uniformIn(-1, 1));
    if (name === 'disparity') for (let i = 0; i < n; i++) x[3 * i + 2] = i % 3 === 0 ? 1 : 0;
    const planted = forwardMlp(mlpArchitecture('m', target.dIn, width, depth, target.dOut), masked, { n, x });
    const exact = evaluateTarget(target, x, n);
    for (let j = 0; j < target.dOut; j++) {
      const scale = result.outputScales[j];
      let largest = 0;
      for (let i = 0; i < n; i++) largest = Math.max(largest, Math.abs(exact[i * target.dOut + j]));
      for (let i = 0; i < n; i++) {
        expect(Math.abs(planted[i * target.dOut + j] / scale - exact[i * target.dOut + j])).toBeLessThan(1e-4 * largest);
      }
    }
  });

  it.each(cases)('%s (depth %i, width %i): changes only planted entries and uses each mother neuron once', (name, depth, width) => {
    const target = buildTarget(name, depth);
    const widths = [target.dIn, ...Array(depth - 1).fill(width), target.dOut];
    const original = initialiseMother(widths, new Rng(7));
    const result = plantTarget(target, cloneMother(original), { sharedOutputScale: false });
    for (let l = 0; l < depth - 1; l++) {
      result.mother.kernels[l].forEach((v, i) => {
        if (result.kernelMasks[l][i] === 0) expect(v).toBe(original.kernels[l][i]);
      });
      result.mother.biases[l].forEach((v, i) => {
        if (result.biasMasks[l][i] === 0) expect(v).toBe(original.biases[l][i]);
      });
      expect(new Set(result.layers[l].neurons).size).toBe(target.layers[l].nOut);
    }
    // Output layer: columns are permuted into target order; each keeps its unplanted entries.
    const l = depth - 1;
    const nOut = target.dOut;
    const rows = widths[l];
    const sources = new Set<number>();
    for (let j = 0; j < nOut; j++) {
      const source = [...Array(nOut).keys()].find((c) => {
        for (let r = 0; r < rows; r++) {
          if (result.kernelMasks[l][r * nOut + j] === 0 && result.mother.kernels[l][r * nOut + j] !== original.kernels[l][r * nOut + c])
            return false;
        }
        return true;
      });
      expect(source).toBeDefined();
      sources.add(source!);
    }
    expect(sources.size).toBe(nOut);
  });

  it('marks exactly the target edges and the planted neurons', () => {
    const target = buildTarget('circle', 5);
    const result = plantTarget(target, initialiseMother([2, 100, 100, 100, 100, 4], new Rng(1)), { sharedOutputScale: true });
    target.layers.forEach((layer, l) => {
      const edges = layer.kernel.reduce((c, w) => c + (w !== 0 ? 1 : 0), 0);
      expect(result.kernelMasks[l].reduce((a, b) => a + b, 0)).toBe(edges);
      expect(result.biasMasks[l].reduce((a, b) => a + b, 0)).toBe(layer.nOut);
    });
  });

  it('shares one output scale when asked (classification)', () => {
    const target = buildTarget('circle', 5);
    const result = plantTarget(target, initialiseMother([2, 100, 100, 100, 100, 4], new Rng(2)), { sharedOutputScale: true });
    expect(new Set(result.outputScales).size).toBe(1);
    expect(result.outputScales[0]).toBeGreaterThan(0);
  });

  it('keeps ReLU hidden neurons sign-consistent at width 100 (no fallback)', () => {
    for (let seed = 0; seed < 5; seed++) {
      const result = plantTarget(buildTarget('relu', 5), initialiseMother([1, 100, 100, 100, 100, 1], new Rng(seed)), {
        sharedOutputScale: false,
      });
      expect(result.layers.slice(0, -1).map((l) => l.fallbacks)).toEqual([0, 0, 0, 0]);
    }
  });

  // A one-hidden-neuron target y = 2·φ(x) − 1 and a hand-made mother with three hidden neurons.
  function tinyTarget(): TargetNetwork {
    const hidden = emptyLayer(1, 1);
    setWeight(hidden, 0, 0, 1);
    hidden.bias[0] = 0.5;
    const output = emptyLayer(1, 1);
    setWeight(output, 0, 0, 2);
    output.bias[0] = -1;
    return { name: 'tiny', dIn: 1, dOut: 1, layers: [hidden, output], subTickets: ['ticket'] };
  }

  it('picks the sign-consistent neuron with the smallest L1 residual and its least-squares scale', () => {
    const mother: MotherNetwork = {
      widths: [1, 3, 1],
      // neuron 0: signs wrong; neuron 1: exactly 3 · (0.5, 1); neuron 2: right signs, off the line.
      kernels: [Float32Array.of(-1, 3, 1), Float32Array.of(0.1, 0.2, 0.3)],
      biases: [Float32Array.of(0.5, 1.5, 2), Float32Array.of(-0.5)],
    };
    const result = plantTarget(tinyTarget(), mother, { sharedOutputScale: false });
    expect(result.layers[0].neurons[0]).toBe(1);
    expect(result.layers[0].scales[0]).toBeCloseTo(3, 6);
    expect(result.layers[0].fallbacks).toBe(0);
    // Output neuron (weight 0.2 from neuron 1, bias −0.5) against t = (−1, 2/3): c = 0.65/1.444…
    const c = (0.5 + 0.2 * (2 / 3)) / (1 + 4 / 9);
    expect(result.outputScales[0]).toBeCloseTo(c, 6);
    expect(result.mother.kernels[1][1]).toBeCloseTo((c * 2) / 3, 6);
    expect(result.mother.biases[1][0]).toBeCloseTo(-c, 6);
  });

  it('falls back to the neuron with most sign agreements and a magnitude-matching scale', () => {
    const mother: MotherNetwork = {
      widths: [1, 2, 1],
      // Neither hidden neuron matches (+, +): neuron 0 agrees on one sign, neuron 1 on none.
      kernels: [Float32Array.of(-3, -1), Float32Array.of(1, 1)],
      biases: [Float32Array.of(4, -1), Float32Array.of(1)],
    };
    const result = plantTarget(tinyTarget(), mother, { sharedOutputScale: false });
    expect(result.layers[0].neurons[0]).toBe(0);
    expect(result.layers[0].fallbacks).toBe(1);
    const scale = Math.hypot(4, -3) / Math.hypot(0.5, 1);
    expect(result.layers[0].scales[0]).toBeCloseTo(scale, 6);
    expect(result.mother.kernels[0][0]).toBeCloseTo(scale, 5);
    expect(result.mother.biases[0][0]).toBeCloseTo(0.5 * scale, 5);
    const y = forwardMlp(
      mlpArchitecture('t', 1, 2, 2, 1),
      asWeights(
        result.mother,
        result.mother.kernels.map((k, l) => k.map((v, i) => v * result.kernelMasks[l][i])),
      ),
      { n: 3, x: Float32Array.of(-1, 0.25, 1) },
    );
    [-1, 0.25, 1].forEach((x, i) => expect(y[i] / result.outputScales[0]).toBeCloseTo(2 * Math.max(0, x + 0.5) - 1, 5));
  });

  it('refuses a mother too narrow for the target', () => {
    expect(() => plantTarget(buildTarget('helix', 3), initialiseMother([1, 20, 20, 3], new Rng(0)), { sharedOutputScale: false })).toThrow(
      /only 20/,
    );
  });
});
