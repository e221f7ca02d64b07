import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/rng.ts';
import { structureProblems, type KernelLayout } from './structure.ts';
import {
  masksFromKeptUnits,
  masksFromUnitScores,
  nmMasksFromScores,
  shuffleStructured,
  unitCountProblems,
  unitTargets,
} from './structured-mask-selection.ts';

const f = (values: number[]) => Float32Array.from(values);

// A 2-4-3-2 MLP: fc1 [2,4], fc2 [4,3], fc3 [3,2] (row-major, weight (i, j) at i·outs + j).
const mlp: KernelLayout[] = [
  { name: 'fc1/kernel', shape: [2, 4], input: { kind: 'none' } },
  { name: 'fc2/kernel', shape: [4, 3], input: { kind: 'direct' } },
  { name: 'fc3/kernel', shape: [3, 2], input: { kind: 'direct' } },
];

describe('unit targets', () => {
  it('keeps units − round(ratio · units) in every hidden layer and never touches the output layer', () => {
    // 0.5 · 4 = 2 removed, keep 2; 0.5 · 3 = 1.5 → 2 removed (halves round up), keep 1.
    expect(unitTargets(mlp, { kind: 'neuron' }, 0.5)).toEqual([
      { name: 'fc1/kernel', units: 4, keep: 2 },
      { name: 'fc2/kernel', units: 3, keep: 1 },
    ]);
    expect(unitTargets(mlp, { kind: 'filter' }, 0.5)).toEqual([]);
  });
});

describe('masksFromUnitScores', () => {
  it('keeps the highest-scoring units of each layer and removes the weights reading the others', () => {
    // fc1 keeps units 1 and 3 (scores 5, 4); fc2 keeps unit 0 (score 9).
    const masks = masksFromUnitScores({ 'fc1/kernel': f([1, 5, 2, 4]), 'fc2/kernel': f([9, 0, 3]) }, mlp, { kind: 'neuron' }, 0.5, 0);
    expect([...masks['fc1/kernel']]).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    // fc2 rows are inputs 0..3 (only 1 and 3 kept), columns its units (only 0 kept).
    expect([...masks['fc2/kernel']]).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0]);
    // fc3 reads fc2's units: only row 0 survives; both outputs kept.
    expect([...masks['fc3/kernel']]).toEqual([1, 1, 0, 0, 0, 0]);
    expect(structureProblems({ kind: 'neuron' }, mlp, masks)).toEqual([]);
    expect(unitCountProblems(mlp, { kind: 'neuron' }, masks, 0.5)).toEqual([]);
  });

  it('breaks ties by a draw seeded by the job seed: the same seed the same units', () => {
    const tied = { 'fc1/kernel': f([1, 1, 1, 1]), 'fc2/kernel': f([1, 1, 1]) };
    const a = masksFromUnitScores(tied, mlp, { kind: 'neuron' }, 0.5, 3);
    expect(masksFromUnitScores(tied, mlp, { kind: 'neuron' }, 0.5, 3)).toEqual(a);
    const seeds = new Set(
      [0, 1, 2, 3, 4, 5].map((seed) => [...masksFromUnitScores(tied, mlp, { kind: 'neuron' }, 0.5, seed)['fc1/kernel']].join('')),
    );
    expect(seeds.size).toBeGreaterThan(1);
  });

  it('refuses scores for the output layer, a missing layer, a wrong length and NaN', () => {
    const good = { 'fc1/kernel': f([1, 2, 3, 4]), 'fc2/kernel': f([1, 2, 3]) };
    expect(() => masksFromUnitScores({ ...good, 'fc3/kernel': f([1, 2]) }, mlp, { kind: 'neuron' }, 0.5, 0)).toThrow(
      /unitScores name 'fc3\/kernel', whose units neuron structure does not remove/,
    );
    expect(() => masksFromUnitScores({ 'fc1/kernel': good['fc1/kernel'] }, mlp, { kind: 'neuron' }, 0.5, 0)).toThrow(
      /missing layer 'fc2\/kernel'/,
    );
    expect(() => masksFromUnitScores({ ...good, 'fc2/kernel': f([1, 2]) }, mlp, { kind: 'neuron' }, 0.5, 0)).toThrow(
      /have 2 values, the layer has 3 units/,
    );
    expect(() => masksFromUnitScores({ ...good, 'fc2/kernel': f([1, NaN, 2]) }, mlp, { kind: 'neuron' }, 0.5, 0)).toThrow(/NaN at unit 1/);
  });

  it('removes a filter with the flattened dense inputs that read its channel', () => {
    // conv 1×1, 1 input channel, 3 filters on a 2×1 map (6 flattened inputs, channel = index mod 3) → dense 2.
    const conv: KernelLayout[] = [
      { name: 'conv/kernel', shape: [1, 1, 1, 3], input: { kind: 'none' } },
      { name: 'fc/kernel', shape: [6, 2], input: { kind: 'flattened', channels: 3 } },
    ];
    const masks = masksFromKeptUnits(conv, { 'conv/kernel': Uint8Array.from([1, 0, 1]) });
    expect([...masks['conv/kernel']]).toEqual([1, 0, 1]);
    // rows 1 and 4 read channel 1.
    expect([...masks['fc/kernel']]).toEqual([1, 1, 0, 0, 1, 1, 1, 1, 0, 0, 1, 1]);
    expect(structureProblems({ kind: 'filter' }, conv, masks)).toEqual([]);
  });
});

describe('unit count check', () => {
  it('names a layer that removes another number of units than the ratio gives', () => {
    const masks = masksFromKeptUnits(mlp, { 'fc1/kernel': Uint8Array.from([1, 1, 1, 0]), 'fc2/kernel': Uint8Array.from([1, 0, 0]) });
    expect(unitCountProblems(mlp, { kind: 'neuron' }, masks, 0.5)).toEqual([
      'fc1/kernel: keeps 3 of 4 units, the neuron structure at ratio 0.5 keeps 2 in every layer (4 − round(0.5 · 4))',
    ]);
  });
});

describe('nmMasksFromScores', () => {
  it('keeps the N largest of every M consecutive inputs into each output, a short trailing group min(N, size)', () => {
    // Kernel [6 inputs, 2 outputs]: output 0 reads scores 1..6 down column 0, output 1 reads 6..1.
    const layouts: KernelLayout[] = [{ name: 'k', shape: [6, 2], input: { kind: 'none' } }];
    const scores = f([1, 6, 2, 5, 3, 4, 4, 3, 5, 2, 6, 1]);
    const masks = nmMasksFromScores({ k: scores }, layouts, 2, 4, 0);
    // Output 0: group rows 0–3 scores 1,2,3,4 → rows 2,3; rows 4–5 (size 2) keep both. Output 1: 6,5,4,3 → rows 0,1; rows 4–5 both.
    expect([...masks.k]).toEqual([0, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1]);
    expect(structureProblems({ kind: 'n:m', n: 2, m: 4 }, layouts, masks)).toEqual([]);
    const oneOfFour = nmMasksFromScores({ k: scores }, layouts, 1, 4, 0);
    expect([...oneOfFour.k]).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 0, 1, 1, 0]);
  });

  it('breaks ties inside a group by the seeded draw', () => {
    const layouts: KernelLayout[] = [{ name: 'k', shape: [4, 1], input: { kind: 'none' } }];
    const draws = new Set(
      [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => [...nmMasksFromScores({ k: f([1, 1, 1, 1]) }, layouts, 2, 4, seed).k].join('')),
    );
    expect(draws.size).toBeGreaterThan(1);
    for (const d of draws) expect(d.split('').filter((c) => c === '1')).toHaveLength(2);
  });
});

describe('shuffleStructured', () => {
  it('keeps a unit mask a unit mask with the same counts, and N:M groups N:M', () => {
    const masks = masksFromUnitScores({ 'fc1/kernel': f([1, 5, 2, 4]), 'fc2/kernel': f([9, 0, 3]) }, mlp, { kind: 'neuron' }, 0.5, 0);
    const shuffled = shuffleStructured(masks, mlp, { kind: 'neuron' }, new Rng(1));
    expect(structureProblems({ kind: 'neuron' }, mlp, shuffled)).toEqual([]);
    expect(unitCountProblems(mlp, { kind: 'neuron' }, shuffled, 0.5)).toEqual([]);
    const layouts: KernelLayout[] = [{ name: 'k', shape: [8, 3], input: { kind: 'none' } }];
    const nm = nmMasksFromScores({ k: f(Array.from({ length: 24 }, (_, i) => (i * 7) % 11)) }, layouts, 2, 4, 0);
    expect(
      structureProblems({ kind: 'n:m', n: 2, m: 4 }, layouts, shuffleStructured(nm, layouts, { kind: 'n:m', n: 2, m: 4 }, new Rng(2))),
    ).toEqual([]);
  });
});
