import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../engine/types.ts';
import { DATASET_IDS, datasetInfo, loadSplits, splitIndices } from './index.ts';
import { loadMnist } from './mnist.ts';
import { classCounts, type RawImages } from './raw.ts';
import { sameBytes, sameSplits } from '../../harness/testing/same-data.ts';
import { proportionalCounts } from './splits.ts';

const labelsOf = (d: Dataset) => d.y as Int32Array;

/** Each row of `d` turned back into bytes, as a string key. */
function rowKeys(d: Dataset): string[] {
  const size = 784;
  return Array.from({ length: d.n }, (_, i) =>
    Buffer.from(Uint8Array.from(d.x.subarray(i * size, (i + 1) * size), (v) => Math.round(v * 255))).toString('base64'),
  );
}
function imageKeys(raw: RawImages): Set<string> {
  return new Set(Array.from({ length: raw.n }, (_, i) => Buffer.from(raw.pixels.subarray(i * 784, (i + 1) * 784)).toString('base64')));
}

describe('datasetInfo', () => {
  it('describes every data set', () => {
    for (const id of DATASET_IDS) {
      const info = datasetInfo(id);
      expect(info.id).toBe(id);
      expect(info.classNames).toHaveLength(info.classes);
      expect(info.source.length).toBeGreaterThan(20);
      expect(info.license.length).toBeGreaterThan(10);
    }
    expect(datasetInfo('cifar10').inputShape).toEqual([32, 32, 3]);
    expect(datasetInfo('fashion-mnist').classNames[9]).toBe('Ankle boot');
    expect(datasetInfo('fashion-mnist').source).toMatch(/not comparable with numbers on the official Fashion-MNIST test set/);
  });
});

describe('splitIndices', () => {
  const train = Int32Array.from({ length: 1000 }, (_, i) => (i * 7) % 10);
  const test = Int32Array.from({ length: 200 }, (_, i) => i % 10);

  it('keeps validation and training disjoint and sized as asked', () => {
    const s = splitIndices(train, test, 10, { validationSize: 100, seed: 1, trainSubset: 300, testSubset: 50 });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([300, 100, 50]);
    const validation = new Set(s.validation);
    expect([...s.train].filter((i) => validation.has(i))).toEqual([]);
    expect(
      classCounts(
        Int32Array.from(s.test, (i) => test[i]),
        10,
      ),
    ).toEqual(new Array(10).fill(5));
    expect(
      classCounts(
        Int32Array.from(s.train, (i) => train[i]),
        10,
      ),
    ).toEqual(new Array(10).fill(30));
  });

  it('draws validation independently of the subsets, and everything from the seed', () => {
    const full = splitIndices(train, test, 10, { validationSize: 100, seed: 1 });
    const small = splitIndices(train, test, 10, { validationSize: 100, seed: 1, trainSubset: 300, testSubset: 50 });
    expect(small.validation).toEqual(full.validation);
    expect(full.test).toEqual(Int32Array.from({ length: 200 }, (_, i) => i));
    expect(splitIndices(train, test, 10, { validationSize: 100, seed: 1 })).toEqual(full);
    expect(splitIndices(train, test, 10, { validationSize: 100, seed: 2 }).validation).not.toEqual(full.validation);
  });

  it('rejects sizes that do not fit', () => {
    expect(() => splitIndices(train, test, 10, { validationSize: 1001, seed: 1 })).toThrow(
      'validationSize must be an integer from 0 to 1000, got 1001',
    );
    expect(() => splitIndices(train, test, 10, { validationSize: 100, seed: 1, trainSubset: 901 })).toThrow(
      'trainSubset must be an integer from 0 to 900, got 901',
    );
    expect(() => splitIndices(train, test, 10, { validationSize: 100, seed: 1.5 })).toThrow('seed must be an integer');
  });
});

describe('loadSplits on MNIST', () => {
  let official: { train: RawImages; test: RawImages };
  beforeAll(() => {
    official = loadMnist();
  });

  it('carves a stratified validation set from the official training set and keeps the official test set', async () => {
    const s = await loadSplits('mnist', { validationSize: 5000, seed: 11, cacheDir: false });
    expect([s.train.n, s.validation.n, s.test.n]).toEqual([55000, 5000, 10000]);
    for (const d of [s.train, s.validation, s.test]) {
      expect(d.inputShape).toEqual([28, 28, 1]);
      expect(d.outputSize).toBe(10);
      expect(d.x.length).toBe(d.n * 784);
    }
    expect(classCounts(labelsOf(s.validation), 10)).toEqual(proportionalCounts(classCounts(official.train.labels, 10), 5000));
    expect(sameBytes(labelsOf(s.test), official.test.labels)).toBe(true);
    expect(
      sameBytes(
        s.test.x.subarray(0, 784),
        Float32Array.from(official.test.pixels.subarray(0, 784), (v) => v / 255),
      ),
    ).toBe(true);
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < s.train.x.length; i++) {
      min = Math.min(min, s.train.x[i]);
      max = Math.max(max, s.train.x[i]);
    }
    expect([min, max]).toEqual([0, 1]);
  });

  it('takes train and validation images from the official training set and test images from the official test set', async () => {
    const s = await loadSplits('mnist', { validationSize: 300, seed: 11, trainSubset: 1500, testSubset: 500, cacheDir: false });
    expect([s.train.n, s.validation.n, s.test.n]).toEqual([1500, 300, 500]);
    const trainImages = imageKeys(official.train);
    const testImages = imageKeys(official.test);
    expect([...rowKeys(s.train), ...rowKeys(s.validation)].every((k) => trainImages.has(k))).toBe(true);
    expect(rowKeys(s.test).every((k) => testImages.has(k))).toBe(true);
    expect(classCounts(labelsOf(s.test), 10)).toEqual(proportionalCounts(classCounts(official.test.labels, 10), 500));
  });

  it('gives the same splits for the same seed and different ones for another seed', async () => {
    const opts = { validationSize: 300, seed: 11, trainSubset: 1500, testSubset: 500, cacheDir: false as const };
    const a = await loadSplits('mnist', opts);
    expect(sameSplits(a, await loadSplits('mnist', opts))).toBe(true);
    const b = await loadSplits('mnist', { ...opts, seed: 12 });
    expect(sameSplits(a, b)).toBe(false);
    expect(sameBytes(a.validation.x, b.validation.x)).toBe(false);
  });
});

describe('loadSplits options', () => {
  it('rejects sizes beyond the data set before loading anything', async () => {
    await expect(loadSplits('mnist', { validationSize: 60001, seed: 1 })).rejects.toThrow(
      'validationSize must be an integer from 0 to 60000, got 60001',
    );
    await expect(loadSplits('fashion-mnist', { validationSize: 5000, seed: 1, testSubset: 10001 })).rejects.toThrow(
      'testSubset must be an integer from 0 to 10000, got 10001',
    );
  });
});

describe('loadSplits on Fashion-MNIST', () => {
  it('gives 60,000 training images (train + validation) and 1,000 test images per class', async () => {
    const s = await loadSplits('fashion-mnist', { validationSize: 5000, seed: 11, cacheDir: false });
    expect([s.train.n, s.validation.n, s.test.n]).toEqual([55000, 5000, 10000]);
    expect(classCounts(labelsOf(s.validation), 10)).toEqual(new Array(10).fill(500));
    expect(classCounts(labelsOf(s.test), 10)).toEqual(new Array(10).fill(1000));
    expect(s.test.inputShape).toEqual([28, 28, 1]);
  });
});
