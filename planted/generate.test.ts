import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generatePlantedTask, kernelsOnly, type PlantedTask } from './generate.ts';
import { plantedTicketScore } from './ticket-score.ts';
import { REGRESSION_NOISE_STD } from './data.ts';
import { CIRCLE_LINES, STRIPE_LINES, rankClasses, stripeCoordinate } from './targets.ts';

function digest(task: PlantedTask): string {
  const hash = createHash('sha256');
  const add = (label: string, values: Float32Array | Int32Array) => {
    hash.update(label);
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  };
  for (const name of Object.keys(task.weights).sort()) add(`w:${name}`, task.weights[name]);
  for (const name of Object.keys(task.truthMask).sort()) add(`m:${name}`, task.truthMask[name]);
  for (const sub of task.subTicketMasks) for (const name of Object.keys(sub.mask).sort()) add(`s:${sub.name}:${name}`, sub.mask[name]);
  add('scales', task.outputScales);
  for (const [label, split] of Object.entries(task.splits)) {
    add(`${label}:x`, split.x);
    add(`${label}:y`, split.y);
    if (split.groups) add(`${label}:g`, split.groups);
  }
  return hash.digest('hex');
}

/** |observed − p| within z binomial standard deviations for n trials. */
function withinBinomial(observed: number, p: number, n: number, z = 4): boolean {
  return Math.abs(observed - p) <= z * Math.sqrt((p * (1 - p)) / n);
}

describe('generatePlantedTask', () => {
  it('is deterministic: the same seed gives identical bytes, another seed differs', () => {
    for (const target of ['circle', 'relu', 'helix', 'disparity'] as const) {
      const a = digest(generatePlantedTask({ target, depth: 4, width: 40, seed: 5, samples: 2000 }));
      const b = digest(generatePlantedTask({ target, depth: 4, width: 40, seed: 5, samples: 2000 }));
      const c = digest(generatePlantedTask({ target, depth: 4, width: 40, seed: 6, samples: 2000 }));
      expect(a).toBe(b);
      expect(c).not.toBe(a);
    }
  });

  it('names weights and masks like the engine and reports density = planted edges / kernel weights', () => {
    const task = generatePlantedTask({ target: 'circle', depth: 5, width: 100, seed: 0 });
    expect(task.architecture.layers.map((l) => (l.kind === 'dense' ? `${l.name}:${l.units}:${l.activation}` : l.kind))).toEqual([
      'fc1:100:relu',
      'fc2:100:relu',
      'fc3:100:relu',
      'fc4:100:relu',
      'fc5:4:linear',
    ]);
    expect(Object.keys(task.weights).sort()).toEqual(Object.keys(task.truthMask).sort());
    expect(task.weights['fc1/kernel'].length).toBe(2 * 100);
    expect(task.weights['fc5/kernel'].length).toBe(100 * 4);
    let planted = 0;
    let total = 0;
    for (const [name, mask] of Object.entries(task.truthMask)) {
      for (const v of mask) expect(v === 0 || v === 1).toBe(true);
      if (!name.endsWith('/kernel')) continue;
      planted += mask.reduce((a, b) => a + b, 0);
      total += mask.length;
    }
    const targetEdges = task.target.layers.reduce((sum, layer) => sum + layer.kernel.reduce((c, w) => c + (w !== 0 ? 1 : 0), 0), 0);
    expect(planted).toBe(targetEdges);
    expect(task.plantedDensity).toBe(planted / total);
    expect(task.plantedEdgesPerLayer.map((l) => l.planted)).toEqual(
      task.target.layers.map((layer) => layer.kernel.reduce((c, w) => c + (w !== 0 ? 1 : 0), 0)),
    );
    expect(total).toBe(2 * 100 + 3 * 100 * 100 + 100 * 4);
  });

  it('splits 10,000 samples 90/10 with inputs in [−1, 1]', () => {
    const task = generatePlantedTask({ target: 'helix', depth: 5, width: 100, seed: 1 });
    expect(task.splits.train.n).toBe(9000);
    expect(task.splits.test.n).toBe(1000);
    expect(task.splits.train.y.length).toBe(9000 * 3);
    for (const split of [task.splits.train, task.splits.test]) for (const v of split.x) expect(Math.abs(v)).toBeLessThanOrEqual(1);
  });

  it('adds N(0, 0.01²) noise to the ReLU targets', () => {
    const { train } = generatePlantedTask({ target: 'relu', depth: 3, width: 20, seed: 2 }).splits;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < train.n; i++) {
      const r = train.y[i] - Math.max(0, train.x[i]);
      sum += r;
      sq += r * r;
    }
    const mean = sum / train.n;
    const sd = Math.sqrt(sq / train.n - mean * mean);
    expect(Math.abs(mean)).toBeLessThan((5 * REGRESSION_NOISE_STD) / Math.sqrt(train.n));
    expect(Math.abs(sd / REGRESSION_NOISE_STD - 1)).toBeLessThan(5 / Math.sqrt(2 * train.n));
  });

  it('gives Circle 1% runner-up (adjacent ring) label noise in every split', () => {
    const task = generatePlantedTask({ target: 'circle', depth: 3, width: 20, seed: 3 });
    for (const split of [task.splits.train, task.splits.test]) {
      let flipped = 0;
      for (let i = 0; i < split.n; i++) {
        const ranking = rankClasses(CIRCLE_LINES, split.x[2 * i] ** 2 + split.x[2 * i + 1] ** 2);
        if (split.y[i] !== ranking.best) {
          expect(split.y[i]).toBe(ranking.runnerUp);
          flipped++;
        }
      }
      expect(withinBinomial(flipped / split.n, 0.01, split.n)).toBe(true);
    }
  });

  it.each([0, 0.1, 0.3])('applies uniform label noise %f to the training labels only', (p) => {
    const task = generatePlantedTask({ target: 'circle', depth: 5, width: 100, seed: 4, labelNoise: p, adjacentLabelNoise: 0 });
    const { train, test } = task.splits;
    const clean = task.cleanTrainLabels!;
    let changed = 0;
    for (let i = 0; i < train.n; i++) {
      expect(clean[i]).toBe(rankClasses(CIRCLE_LINES, train.x[2 * i] ** 2 + train.x[2 * i + 1] ** 2).best);
      if (train.y[i] !== clean[i]) changed++;
    }
    if (p === 0) expect(changed).toBe(0);
    else expect(withinBinomial(changed / train.n, p, train.n)).toBe(true);
    for (let i = 0; i < test.n; i++) expect(test.y[i]).toBe(rankClasses(CIRCLE_LINES, test.x[2 * i] ** 2 + test.x[2 * i + 1] ** 2).best);
  });

  it('spreads uniform label noise over the other classes', () => {
    const task = generatePlantedTask({ target: 'circle', depth: 3, width: 20, seed: 8, labelNoise: 0.3, adjacentLabelNoise: 0 });
    const offsets = [0, 0, 0, 0];
    let changed = 0;
    for (let i = 0; i < task.splits.train.n; i++) {
      const offset = (task.splits.train.y[i] - task.cleanTrainLabels![i] + 4) % 4;
      offsets[offset]++;
      if (offset !== 0) changed++;
    }
    for (const o of [1, 2, 3]) expect(withinBinomial(offsets[o] / changed, 1 / 3, changed)).toBe(true);
  });

  it('rejects label noise on a regression target', () => {
    expect(() => generatePlantedTask({ target: 'relu', depth: 3, width: 20, seed: 0, labelNoise: 0.1 })).toThrow(/classification/);
  });

  it('refuses a width too small for the target', () => {
    expect(() => generatePlantedTask({ target: 'helix', depth: 5, width: 20, seed: 0 })).toThrow(/width ≥ 30/);
  });
});

describe('disparity task', () => {
  const task = generatePlantedTask({ target: 'disparity', depth: 5, width: 100, seed: 9 });

  it('has exactly 10% minority samples, spread over both splits, marked in the input', () => {
    const { train, test } = task.splits;
    const minorityTrain = train.groups!.reduce((a, b) => a + b, 0);
    const minorityTest = test.groups!.reduce((a, b) => a + b, 0);
    expect(minorityTrain + minorityTest).toBe(1000);
    // Hypergeometric: the test split's share of the 1,000 minority samples.
    expect(withinBinomial(minorityTest / test.n, 0.1, test.n)).toBe(true);
    for (const split of [train, test]) for (let i = 0; i < split.n; i++) expect(split.x[3 * i + 2]).toBe(split.groups![i]);
  });

  it('labels the majority by rings and the minority by stripes, without noise by default', () => {
    for (const split of [task.splits.train, task.splits.test]) {
      for (let i = 0; i < split.n; i++) {
        const [x1, x2] = [split.x[3 * i], split.x[3 * i + 1]];
        const expected =
          split.groups![i] === 1
            ? rankClasses(STRIPE_LINES, stripeCoordinate(x1, x2)).best
            : rankClasses(CIRCLE_LINES, x1 * x1 + x2 * x2).best;
        expect(split.y[i]).toBe(expected);
      }
    }
  });

  it('has two kernel-disjoint sub-tickets whose union is the truth mask, each solving its own group', () => {
    const [majority, minority] = task.subTicketMasks;
    expect([majority.name, majority.group, minority.name, minority.group]).toEqual(['majority', 0, 'minority', 1]);
    for (const name of Object.keys(task.truthMask)) {
      const union = task.truthMask[name];
      for (let i = 0; i < union.length; i++) {
        expect(Math.max(majority.mask[name][i], minority.mask[name][i])).toBe(union[i]);
        if (name.endsWith('/kernel')) expect(majority.mask[name][i] * minority.mask[name][i]).toBe(0);
      }
    }
    const byGroup = (mask: typeof task.truthMask, group: number) =>
      plantedTicketScore(task, mask).groupScores.find((g) => g.group === group)!.score;
    expect(byGroup(majority.mask, 0)).toBeGreaterThan(0.95);
    expect(byGroup(minority.mask, 1)).toBeGreaterThan(0.95);
    // Each sub-ticket alone leaves the other group to a constant output, far below the ticket.
    expect(byGroup(majority.mask, 1)).toBeLessThan(0.6);
    expect(byGroup(minority.mask, 0)).toBeLessThan(0.7);
  });
});

describe('kernelsOnly', () => {
  it('keeps the kernel masks, which are the prunable parameters', () => {
    const task = generatePlantedTask({ target: 'relu', depth: 3, width: 20, seed: 0, samples: 100 });
    expect(Object.keys(kernelsOnly(task.truthMask)).sort()).toEqual(['fc1/kernel', 'fc2/kernel', 'fc3/kernel']);
  });
});
