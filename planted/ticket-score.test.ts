import { describe, expect, it } from 'vitest';
import { Rng } from '../engine/rng.ts';
import { maskRecovery } from '../engine/metrics/recovery.ts';
import type { MaskMap } from '../engine/types.ts';
import { mlpArchitecture } from './architecture.ts';
import { forwardMlp, leastSquaresRescale, plantedTicketScore, scoreOutputs } from './ticket-score.ts';
import { generatePlantedTask } from './generate.ts';

describe('forwardMlp', () => {
  it('computes ReLU hidden layers and a linear output from row-major kernels', () => {
    const architecture = mlpArchitecture('t', 2, 2, 2, 1);
    // fc1: h = φ([x1 − x2, 2 x2] + [0, −1]); fc2: y = h1 + 3 h2 + 0.5
    const weights = {
      'fc1/kernel': Float32Array.of(1, 0, -1, 2),
      'fc1/bias': Float32Array.of(0, -1),
      'fc2/kernel': Float32Array.of(1, 3),
      'fc2/bias': Float32Array.of(0.5),
    };
    const y = forwardMlp(architecture, weights, { n: 2, x: Float32Array.of(1, 1, -1, 0.25) });
    expect(Array.from(y)).toEqual([0 + 3 * 1 + 0.5, 0 + 0 + 0.5]);
    const masked = forwardMlp(architecture, weights, { n: 1, x: Float32Array.of(1, 1) }, { 'fc2/kernel': Float32Array.of(1, 0) });
    expect(Array.from(masked)).toEqual([0.5]);
  });
});

describe('scores', () => {
  it('rescales each output by least squares', () => {
    const lambdas = leastSquaresRescale(Float64Array.of(2, -1, 4, -2), [1, 3, 2, 6], 2);
    expect(lambdas[0]).toBeCloseTo(0.5, 12);
    expect(lambdas[1]).toBeCloseTo(-3, 12);
  });

  it('scores regression after rescaling and classification by argmax', () => {
    const regression = scoreOutputs(Float64Array.of(10, 20, 30), {
      n: 3,
      inputShape: [1],
      x: new Float32Array(3),
      y: Float32Array.of(1, 2, 3.3),
      outputSize: 1,
    });
    const y3 = Math.fround(3.3);
    const lambda = (10 * 1 + 20 * 2 + 30 * y3) / (100 + 400 + 900);
    expect(regression.score).toBeCloseTo(((1 - 10 * lambda) ** 2 + (2 - 20 * lambda) ** 2 + (y3 - 30 * lambda) ** 2) / 3, 12);
    const classification = scoreOutputs(Float64Array.of(1, 2, 5, 0, 0, 3), {
      n: 3,
      inputShape: [1],
      x: new Float32Array(3),
      y: Int32Array.of(1, 0, 0),
      outputSize: 2,
      groups: Int32Array.of(0, 0, 1),
    });
    expect(classification.score).toBeCloseTo(2 / 3, 12);
    expect(classification.groupScores).toEqual([
      { group: 0, n: 2, score: 1 },
      { group: 1, n: 1, score: 0 },
    ]);
  });
});

describe('the planted ticket alone', () => {
  it('solves Circle (accuracy ≥ 0.95) at depths 3, 5 and 10', () => {
    for (const depth of [3, 5, 10]) {
      const task = generatePlantedTask({ target: 'circle', depth, width: 100, seed: depth });
      expect(plantedTicketScore(task).score, `depth ${depth}`).toBeGreaterThanOrEqual(0.95);
    }
  });

  it.each(['relu', 'helix'] as const)('fits %s with test MSE < 1e-3 at depth 5, width 100, unlike the unmasked mother', (target) => {
    const task = generatePlantedTask({ target, depth: 5, width: 100, seed: 1 });
    const ticket = plantedTicketScore(task);
    expect(ticket.metric).toBe('mse');
    expect(ticket.score).toBeLessThan(1e-3);
    // The noise N(0, 0.01²) alone costs 1e-4 per output.
    expect(ticket.score).toBeGreaterThan(0.5e-4);
    const allOnes: MaskMap = Object.fromEntries(
      Object.entries(task.truthMask).map(([name, m]) => [name, new Float32Array(m.length).fill(1)]),
    );
    expect(plantedTicketScore(task, allOnes).score).toBeGreaterThan(10 * ticket.score);
  });

  it('solves both groups of the disparity task', () => {
    const score = plantedTicketScore(generatePlantedTask({ target: 'disparity', depth: 5, width: 100, seed: 2 }));
    for (const g of score.groupScores) expect(g.score, `group ${g.group}`).toBeGreaterThanOrEqual(0.95);
  });
});

describe('recovery of the truth mask by a random mask', () => {
  it('has expected recall equal to the density', () => {
    const task = generatePlantedTask({ target: 'circle', depth: 5, width: 100, seed: 0 });
    const kernels = Object.keys(task.truthMask).filter((name) => name.endsWith('/kernel'));
    const sizes = kernels.map((name) => task.truthMask[name].length);
    const total = sizes.reduce((a, b) => a + b, 0);
    const planted = kernels.reduce((sum, name) => sum + task.truthMask[name].reduce((a, b) => a + b, 0), 0);
    for (const density of [0.1, 0.5]) {
      const kept = Math.round(density * total);
      const d = kept / total;
      // Recall of a uniformly random k-subset is hypergeometric: mean d, variance d(1 − d)/P · (N − P)/(N − 1).
      const sd = Math.sqrt(((d * (1 - d)) / planted) * ((total - planted) / (total - 1)));
      const recalls = [11, 12, 13, 14, 15].map((seed) => {
        const chosen = new Rng(seed).permutation(total).subarray(0, kept);
        const flat = new Float32Array(total);
        for (const index of chosen) flat[index] = 1;
        const mask: MaskMap = {};
        let offset = 0;
        kernels.forEach((name, l) => {
          mask[name] = flat.slice(offset, offset + sizes[l]);
          offset += sizes[l];
        });
        const recall = maskRecovery(mask, task.truthMask, kernels).recall;
        expect(Math.abs(recall - d)).toBeLessThan(4 * sd);
        return recall;
      });
      const mean = recalls.reduce((a, b) => a + b, 0) / recalls.length;
      expect(Math.abs(mean - d)).toBeLessThan((4 * sd) / Math.sqrt(recalls.length));
    }
  });
});
