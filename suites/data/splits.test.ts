import { describe, expect, it } from 'vitest';
import { Rng } from '../../engine/rng.ts';
import type { Dataset } from '../../engine/types.ts';
import { classCounts } from './raw.ts';
import { imagesToDataset, proportionalCounts, stratifiedIndices, stratifiedSplit, subsample, takeRows } from './splits.ts';

/** 100 samples: 60 of class 0, 30 of class 1, 10 of class 2; each row's input is its own index. */
function unbalanced(): Dataset {
  const y = Int32Array.from({ length: 100 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2));
  const x = Float32Array.from({ length: 200 }, (_, k) => Math.floor(k / 2));
  return { n: 100, inputShape: [2], x, y, outputSize: 3, groups: Int32Array.from(y, (c) => 10 + c) };
}

/** The original index of each row (rows carry their index as input). */
const origins = (d: Dataset) => Array.from({ length: d.n }, (_, i) => d.x[2 * i]);

describe('proportionalCounts', () => {
  it('allocates in proportion, largest remainder first, ties to the lower class', () => {
    expect(proportionalCounts([60, 30, 10], 10)).toEqual([6, 3, 1]);
    expect(proportionalCounts([60, 30, 10], 7)).toEqual([4, 2, 1]);
    expect(proportionalCounts([5, 5, 5], 4)).toEqual([2, 1, 1]);
    expect(proportionalCounts([5, 5, 5], 0)).toEqual([0, 0, 0]);
    // MNIST's training labels, 5,000 for validation: classes 0 and 8 tie on the remainder 7/12 and class 0 gets the last one.
    expect(proportionalCounts([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], 5000)).toEqual([
      494, 562, 496, 511, 487, 452, 493, 522, 487, 496,
    ]);
  });

  it('rejects impossible totals', () => {
    expect(() => proportionalCounts([1, 1], 3)).toThrow('cannot take 3 samples from 2');
    expect(() => proportionalCounts([4, 4], 2.5)).toThrow('cannot take 2.5 samples from 8');
  });
});

describe('stratifiedIndices', () => {
  const labels = unbalanced().y as Int32Array;

  it('takes the proportional count from every class, disjoint from and complementing the rest', () => {
    const { selected, rest } = stratifiedIndices(labels, 3, { total: 20 }, new Rng(1));
    expect(
      classCounts(
        Int32Array.from(selected, (i) => labels[i]),
        3,
      ),
    ).toEqual([12, 6, 2]);
    expect(selected.length + rest.length).toBe(100);
    expect(new Set([...selected, ...rest]).size).toBe(100);
    expect([...selected]).toEqual([...selected].sort((a, b) => a - b));
    expect([...rest]).toEqual([...rest].sort((a, b) => a - b));
  });

  it('takes exactly perClass from every class', () => {
    const { selected } = stratifiedIndices(labels, 3, { perClass: 4 }, new Rng(2));
    expect(
      classCounts(
        Int32Array.from(selected, (i) => labels[i]),
        3,
      ),
    ).toEqual([4, 4, 4]);
    expect(() => stratifiedIndices(labels, 3, { perClass: 11 }, new Rng(2))).toThrow('cannot take 11 samples per class: class 2 has 10');
  });

  it('gives the same choice for the same seed and a different one for another seed', () => {
    const a = stratifiedIndices(labels, 3, { total: 20 }, new Rng(1));
    expect(stratifiedIndices(labels, 3, { total: 20 }, new Rng(1))).toEqual(a);
    expect(stratifiedIndices(labels, 3, { total: 20 }, new Rng(2)).selected).not.toEqual(a.selected);
  });

  it('rejects labels outside the classes', () => {
    expect(() => stratifiedIndices(Int32Array.from([0, 3]), 3, { total: 1 }, new Rng(1))).toThrow('label 3 at index 1 is outside 0..2');
  });
});

describe('stratifiedSplit', () => {
  it('moves whole rows (inputs, labels, groups) into train and validation, stratified', () => {
    const data = unbalanced();
    const { train, validation } = stratifiedSplit(data, 30, new Rng(5));
    expect([train.n, validation.n]).toEqual([70, 30]);
    expect(classCounts(validation.y as Int32Array, 3)).toEqual([18, 9, 3]);
    expect(new Set([...origins(train), ...origins(validation)]).size).toBe(100);
    for (const part of [train, validation]) {
      origins(part).forEach((i, row) => {
        expect(part.y[row]).toBe(data.y[i]);
        expect(part.groups![row]).toBe(data.groups![i]);
      });
      expect(part.inputShape).toEqual([2]);
      expect(part.outputSize).toBe(3);
    }
  });

  it('is deterministic in the seed', () => {
    const data = unbalanced();
    const a = stratifiedSplit(data, 30, new Rng(5));
    expect(stratifiedSplit(data, 30, new Rng(5))).toEqual(a);
    expect(origins(stratifiedSplit(data, 30, new Rng(6)).validation)).not.toEqual(origins(a.validation));
  });

  it('refuses regression targets', () => {
    const regression: Dataset = { n: 2, inputShape: [1], x: new Float32Array(2), y: new Float32Array(2), outputSize: 1 };
    expect(() => stratifiedSplit(regression, 1, new Rng(1))).toThrow('stratified sampling needs class labels');
  });
});

describe('subsample', () => {
  it('takes a stratified subset per class or in total', () => {
    const data = unbalanced();
    expect(classCounts(subsample(data, { perClass: 3 }, new Rng(1)).y as Int32Array, 3)).toEqual([3, 3, 3]);
    const tenth = subsample(data, { total: 10 }, new Rng(1));
    expect(classCounts(tenth.y as Int32Array, 3)).toEqual([6, 3, 1]);
    expect(subsample(data, { total: 10 }, new Rng(1))).toEqual(tenth);
  });
});

describe('takeRows and imagesToDataset', () => {
  it('takes rows in the given order', () => {
    expect(origins(takeRows(unbalanced(), [5, 1, 99]))).toEqual([5, 1, 99]);
  });

  it('scales pixels to [0, 1] by dividing by 255 and keeps the HWC shape', () => {
    const raw = {
      n: 3,
      shape: [1, 2, 1] as [number, number, number],
      pixels: Uint8Array.from([0, 255, 51, 102, 1, 2]),
      labels: Int32Array.from([1, 0, 1]),
    };
    const d = imagesToDataset(raw, [1, 0], 2);
    expect([...d.x]).toEqual([51 / 255, 102 / 255, 0, 1].map(Math.fround));
    expect([...d.y]).toEqual([0, 1]);
    expect(d.inputShape).toEqual([1, 2, 1]);
    expect(d.outputSize).toBe(2);
  });
});
